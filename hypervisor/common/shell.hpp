// The interactive hypervisor shell on the console.
#pragma once
namespace bh::shell {
[[noreturn]] void run();
}
