// Where common code takes over once the arch layer has every pCPU up.
#pragma once
namespace bh {
[[noreturn]] void hv_main();
}
