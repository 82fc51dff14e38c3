// Arch side of hal/smp.hpp.
#pragma once
namespace bh::x86 {
void smp_call_init_this_cpu();
}
