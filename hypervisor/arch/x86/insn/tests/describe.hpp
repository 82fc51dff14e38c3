// Test helper: a canonical one-line text form of a decoded instruction, for table comparisons.
#pragma once
#include <cstdio>
#include <string>

#include "arch/x86/insn/insn.hpp"

namespace bh_test {

using namespace bh::x86::insn;

inline const char* op_name(Op op) {
    static const char* const kNames[] = {"mov", "movzx", "movsx", "movs", "stos", "add", "or", "adc", "sbb", "and",
                                         "sub", "xor", "cmp", "test", "xchg", "bt", "bts", "btr", "btc"};
    return kNames[static_cast<unsigned>(op)];
}

inline std::string reg_name(Reg r) {
    static const char* const kHigh[] = {"ah", "ch", "dh", "bh"};
    if (r.high8) return kHigh[r.num & 3];
    return "r" + std::to_string(r.num);
}

inline std::string hex(uint64_t v) {
    char b[32];
    std::snprintf(b, sizeof b, "%#llx", static_cast<unsigned long long>(v));
    return b;
}

inline std::string mem_text(const MemOperand& m) {
    static const char* const kSeg[] = {"es", "cs", "ss", "ds", "fs", "gs"};
    std::string s = std::string(kSeg[static_cast<unsigned>(m.seg)]) + ":[";
    std::string sum;
    if (m.rip_relative) sum = "rip";
    if (m.base != kNoReg) sum = "r" + std::to_string(m.base);
    if (m.index != kNoReg) sum += (sum.empty() ? "" : "+") + ("r" + std::to_string(m.index)) + "*" + std::to_string(m.scale);
    const int64_t d = static_cast<int64_t>(m.disp);
    if (sum.empty()) {
        sum = hex(m.disp);
    } else if (d != 0) {
        sum += d < 0 ? "-" + hex(0 - m.disp) : "+" + hex(m.disp);
    }
    return s + sum + "]";
}

// e.g. "mov rm_reg o4 a8 len2 reg=r1 rm=ds:[r0]"
inline std::string describe(const Insn& in) {
    static const char* const kForm[] = {"rm_reg", "reg_rm", "rm_imm", "string"};
    std::string s = std::string(op_name(in.op)) + " " + kForm[static_cast<unsigned>(in.form)];
    s += " o" + std::to_string(in.opsize);
    if (in.src_size != in.opsize) s += "/s" + std::to_string(in.src_size);
    s += " a" + std::to_string(in.addrsize) + " len" + std::to_string(in.length);
    if (in.prefixes & prefix::lock) s += " lock";
    if (in.prefixes & prefix::rep) s += " rep";
    if (in.prefixes & prefix::repne) s += " repne";
    if (in.form != Form::rm_imm) s += " reg=" + reg_name(in.reg);
    if (in.form != Form::string) s += " rm=" + (in.rm_is_mem ? mem_text(in.mem) : reg_name(in.rm_reg));
    if (in.form == Form::string && in.op == Op::movs) s += " src=" + mem_text(in.mem);
    if (in.imm_size != 0) s += " imm" + std::to_string(in.imm_size) + "=" + hex(in.imm);
    return s;
}

}  // namespace bh_test
