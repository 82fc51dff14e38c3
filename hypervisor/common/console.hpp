// The hypervisor console: one output/input device (a UART on x86), shared by
// all pCPUs under a lock, with a lock-free emergency mode for panics.
#pragma once
#include <cstddef>

namespace bh::console {

struct Device {
    void (*putc)(char c);
    int (*getc)();  // -1 when no byte is waiting
};

void set_device(const Device* dev);
void write(const char* s, size_t n);
void print(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
int getc();

// From now on output ignores the lock (a pCPU that died holding it must not
// silence the panic message).
void enter_emergency();

}  // namespace bh::console
