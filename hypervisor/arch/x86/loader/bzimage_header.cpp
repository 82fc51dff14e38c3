// Validation of a bzImage's setup header (boot.rst "The Real-Mode Kernel Header").
#include "arch/x86/loader/bzimage.hpp"

#include "lib/bytes.hpp"

namespace bh::x86::loader {

LoadStatus parse_bzimage_header(const Image& kernel, BzImageHeader& out) {
    out = BzImageHeader{};
    const uint8_t* d = kernel.data;
    const size_t n = d == nullptr ? 0 : kernel.size;
    if (n < hdr::kVersion + 2) return LoadStatus::image_truncated;
    if (load16(d + hdr::kBootFlag) != hdr::kBootFlagValue || load32(d + hdr::kHeader) != hdr::kHdrSMagic)
        return LoadStatus::bad_magic;
    const uint16_t version = load16(d + hdr::kVersion);
    if (version < hdr::kMinVersion) return LoadStatus::unsupported_version;

    const size_t header_end = hdr::kHeader + d[hdr::kJump + 1];
    if (header_end < hdr::kMinEnd || header_end > hdr::kMaxEnd) return LoadStatus::bad_header;
    if (n < header_end) return LoadStatus::image_truncated;

    out.version = version;
    out.header_end = header_end;
    out.loadflags = d[hdr::kLoadflags];
    out.xloadflags = load16(d + hdr::kXloadflags);
    out.initrd_addr_max = load32(d + hdr::kInitrdAddrMax);
    out.kernel_alignment = load32(d + hdr::kKernelAlignment);
    out.relocatable = d[hdr::kRelocatable] != 0;
    out.cmdline_size = load32(d + hdr::kCmdlineSize);
    out.pref_address = load64(d + hdr::kPrefAddress);
    out.init_size = load32(d + hdr::kInitSize);
    const size_t setup_sects = d[hdr::kSetupSects] == 0 ? 4 : d[hdr::kSetupSects];
    out.setup_size = (setup_sects + 1) * hdr::kSectorSize;

    if ((out.xloadflags & hdr::kXlfKernel64) == 0) return LoadStatus::not_64bit_capable;
    if ((out.loadflags & hdr::kLoadedHigh) == 0) return LoadStatus::bad_header;  // zImage
    if (out.relocatable && !is_pow2(out.kernel_alignment)) return LoadStatus::bad_header;
    // syssize counts the protected-mode code in paragraphs; a signed image
    // carries more bytes after it, never fewer.
    const uint64_t syssize_bytes = uint64_t{load32(d + hdr::kSyssize)} * 16;
    if (n <= out.setup_size || n - out.setup_size < syssize_bytes) return LoadStatus::image_truncated;
    out.payload_size = n - out.setup_size;
    return LoadStatus::ok;
}

}  // namespace bh::x86::loader
