// Multiboot header search (Multiboot 3.1.1-3.1.2) and the a.out-kludge address fields (3.1.3).
#include "arch/x86/loader/multiboot1.hpp"
#include "lib/bytes.hpp"

namespace bh::x86::loader {

LoadStatus find_multiboot1_header(const Image& kernel, Multiboot1Header& out) {
    out = Multiboot1Header{};
    const uint8_t* d = kernel.data;
    const size_t n = d == nullptr ? 0 : kernel.size;
    const size_t limit = n < mb1::kSearchLimit ? n : mb1::kSearchLimit;
    bool saw_magic = false;
    for (size_t off = 0; off + mb1::kHeaderSize <= limit; off += mb1::kHeaderAlign) {
        if (load32(d + off) != mb1::kHeaderMagic) continue;
        saw_magic = true;
        const uint32_t flags = load32(d + off + 4);
        if (static_cast<uint32_t>(mb1::kHeaderMagic + flags + load32(d + off + 8)) != 0) continue;

        out.offset = off;
        out.flags = flags;
        if ((flags & mb1::kRequiredMask & ~mb1::kSupported) != 0) return LoadStatus::unsupported_flags;
        if ((flags & mb1::kAddressFields) == 0) return LoadStatus::ok;
        if (off + mb1::kHeaderAddrSize > n) return LoadStatus::image_truncated;
        if (off + mb1::kHeaderAddrSize > mb1::kSearchLimit) return LoadStatus::bad_header;
        out.header_addr = load32(d + off + 12);
        out.load_addr = load32(d + off + 16);
        out.load_end_addr = load32(d + off + 20);
        out.bss_end_addr = load32(d + off + 24);
        out.entry_addr = load32(d + off + 28);
        return LoadStatus::ok;
    }
    return saw_magic ? LoadStatus::bad_checksum : LoadStatus::bad_magic;
}

LoadStatus plan_aout_kludge(const Image& kernel, const Multiboot1Header& h, uint64_t mem_size, LoadPlan& plan) {
    plan = LoadPlan{};
    const uint64_t n = kernel.data == nullptr ? 0 : kernel.size;
    if (h.load_addr > h.header_addr) return LoadStatus::bad_header;
    // The header's address is header_addr, so the file byte that goes to
    // load_addr is (header_addr - load_addr) bytes before the header.
    const uint64_t text_to_header = h.header_addr - h.load_addr;
    if (text_to_header > h.offset) return LoadStatus::bad_header;
    const uint64_t file_off = h.offset - text_to_header;

    uint64_t filesz = n - file_off;
    if (h.load_end_addr != 0) {
        if (h.load_end_addr < h.load_addr) return LoadStatus::bad_header;
        filesz = h.load_end_addr - h.load_addr;
        if (filesz > n - file_off) return LoadStatus::image_truncated;
    }
    uint64_t memsz = filesz;
    if (h.bss_end_addr != 0) {
        if (h.bss_end_addr < h.load_addr + filesz) return LoadStatus::bad_header;
        memsz = h.bss_end_addr - h.load_addr;
    }
    if (memsz == 0) return LoadStatus::bad_entry;  // nothing loaded, nothing to run
    const LoadStatus st = plan_add(plan, kernel, LoadSegment{h.load_addr, h.load_addr, file_off, filesz, memsz}, mem_size);
    if (st != LoadStatus::ok) return st;
    if (h.entry_addr < h.load_addr || h.entry_addr - h.load_addr >= memsz) return LoadStatus::bad_entry;
    plan.entry = h.entry_addr;
    return LoadStatus::ok;
}

}  // namespace bh::x86::loader
