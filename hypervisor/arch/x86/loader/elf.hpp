// ELF32/ELF64 executables as Multiboot kernels: program headers to a LoadPlan
// (System V gABI, "ELF Header" and "Program Header").
#pragma once
#include <cstddef>
#include <cstdint>

#include "arch/x86/loader/image.hpp"
#include "arch/x86/loader/load_plan.hpp"
#include "arch/x86/loader/status.hpp"

namespace bh::x86::loader {

namespace elf {
inline constexpr uint8_t kMagic[4] = {0x7f, 'E', 'L', 'F'};
inline constexpr size_t kIdentClass = 4;    // EI_CLASS
inline constexpr size_t kIdentData = 5;     // EI_DATA
inline constexpr size_t kIdentVersion = 6;  // EI_VERSION
inline constexpr uint8_t kClass32 = 1;      // ELFCLASS32
inline constexpr uint8_t kClass64 = 2;      // ELFCLASS64
inline constexpr uint8_t kDataLsb = 1;      // ELFDATA2LSB
inline constexpr uint32_t kVersionCurrent = 1;  // EV_CURRENT
inline constexpr uint16_t kTypeExec = 2;        // ET_EXEC
inline constexpr uint16_t kMachine386 = 3;      // EM_386 (with ELFCLASS32)
inline constexpr uint16_t kMachineX86_64 = 62;  // EM_X86_64 (with ELFCLASS64)
inline constexpr uint32_t kPtLoad = 1;          // PT_LOAD
inline constexpr uint16_t kPnXnum = 0xffff;     // extended program-header numbering: unsupported
inline constexpr size_t kEhdr32Size = 52;
inline constexpr size_t kEhdr64Size = 64;
inline constexpr size_t kPhdr32Size = 32;
inline constexpr size_t kPhdr64Size = 56;
}  // namespace elf

// Checks the ELF header (magic, class, little-endian, versions, ET_EXEC,
// EM_386 for ELF32 / EM_X86_64 for ELF64, e_phentsize, e_phnum, the
// program-header table inside the file) and turns every PT_LOAD segment
// with p_memsz > 0 into a plan entry at p_paddr (see plan_add). The entry
// point is e_entry translated through the segment whose [p_vaddr,
// p_vaddr + p_memsz) holds it, so a kernel linked high but loaded low
// (p_vaddr != p_paddr) starts at the physical copy of its entry.
// Errors: bad_elf, image_truncated, bad_entry (e_entry in no segment),
// those of plan_add.
LoadStatus plan_elf(const Image& image, uint64_t mem_size, LoadPlan& plan);

}  // namespace bh::x86::loader
