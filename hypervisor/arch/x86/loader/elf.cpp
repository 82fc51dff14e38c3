// ELF header and program-header validation for the Multiboot ELF path.
#include "arch/x86/loader/elf.hpp"

#include "lib/bytes.hpp"

namespace bh::x86::loader {
namespace {

struct Phdr {
    uint32_t type;
    uint64_t offset, vaddr, paddr, filesz, memsz;
};

Phdr read_phdr(const uint8_t* p, bool is64) {
    if (is64) return Phdr{load32(p), load64(p + 8), load64(p + 16), load64(p + 24), load64(p + 32), load64(p + 40)};
    return Phdr{load32(p), load32(p + 4), load32(p + 8), load32(p + 12), load32(p + 16), load32(p + 20)};
}

bool has_magic(const uint8_t* d) {
    for (size_t i = 0; i < sizeof elf::kMagic; ++i)
        if (d[i] != elf::kMagic[i]) return false;
    return true;
}

}  // namespace

LoadStatus plan_elf(const Image& image, uint64_t mem_size, LoadPlan& plan) {
    plan = LoadPlan{};
    const uint8_t* d = image.data;
    const uint64_t n = d == nullptr ? 0 : image.size;
    if (n < elf::kIdentVersion + 1) return LoadStatus::image_truncated;
    if (!has_magic(d)) return LoadStatus::bad_elf;
    const uint8_t cls = d[elf::kIdentClass];
    if (cls != elf::kClass32 && cls != elf::kClass64) return LoadStatus::bad_elf;
    if (d[elf::kIdentData] != elf::kDataLsb || d[elf::kIdentVersion] != elf::kVersionCurrent) return LoadStatus::bad_elf;
    const bool is64 = cls == elf::kClass64;
    if (n < (is64 ? elf::kEhdr64Size : elf::kEhdr32Size)) return LoadStatus::image_truncated;

    const uint16_t machine = is64 ? elf::kMachineX86_64 : elf::kMachine386;
    if (load16(d + 16) != elf::kTypeExec || load16(d + 18) != machine || load32(d + 20) != elf::kVersionCurrent)
        return LoadStatus::bad_elf;
    const uint64_t entry = is64 ? load64(d + 24) : load32(d + 24);
    const uint64_t phoff = is64 ? load64(d + 32) : load32(d + 28);
    const uint16_t phentsize = load16(d + (is64 ? 54 : 42));
    const uint16_t phnum = load16(d + (is64 ? 56 : 44));
    if (phentsize < (is64 ? elf::kPhdr64Size : elf::kPhdr32Size) || phnum == 0 || phnum == elf::kPnXnum)
        return LoadStatus::bad_elf;
    const uint64_t table = uint64_t{phnum} * phentsize;  // at most 0xfffe * 0xffff: no overflow
    if (phoff > UINT64_MAX - table) return LoadStatus::bad_elf;
    if (phoff + table > n) return LoadStatus::image_truncated;

    for (uint64_t i = 0; i < phnum; ++i) {
        const Phdr ph = read_phdr(d + phoff + i * phentsize, is64);
        if (ph.type != elf::kPtLoad || ph.memsz == 0) continue;
        if (ph.offset > UINT64_MAX - ph.filesz) return LoadStatus::bad_elf;
        const LoadStatus st = plan_add(plan, image, LoadSegment{ph.paddr, ph.vaddr, ph.offset, ph.filesz, ph.memsz}, mem_size);
        if (st != LoadStatus::ok) return st;
    }
    if (plan.count == 0) return LoadStatus::bad_elf;
    for (size_t i = 0; i < plan.count; ++i) {
        const LoadSegment& s = plan.seg[i];
        if (entry >= s.vaddr && entry - s.vaddr < s.memsz) {
            plan.entry = entry - s.vaddr + s.paddr;
            return LoadStatus::ok;
        }
    }
    return LoadStatus::bad_entry;
}

}  // namespace bh::x86::loader
