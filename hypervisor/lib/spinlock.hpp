// Ticket spinlocks (FIFO-fair across pCPUs) and their RAII guards.
#pragma once
#include <atomic>
#include <cstdint>

#include "hal/cpu.hpp"

namespace bh {

class TicketLock final {
public:
    constexpr TicketLock() = default;
    TicketLock(const TicketLock&) = delete;
    TicketLock& operator=(const TicketLock&) = delete;

    void lock() {
        const uint32_t ticket = next_.fetch_add(1, std::memory_order_relaxed);
        while (serving_.load(std::memory_order_acquire) != ticket) hal::cpu_relax();
    }
    bool try_lock() {
        uint32_t serving = serving_.load(std::memory_order_relaxed);
        uint32_t expected = serving;
        return next_.compare_exchange_strong(expected, serving + 1, std::memory_order_acquire,
                                             std::memory_order_relaxed);
    }
    void unlock() { serving_.store(serving_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }
    bool is_locked() const {
        return serving_.load(std::memory_order_relaxed) != next_.load(std::memory_order_relaxed);
    }

private:
    std::atomic<uint32_t> next_{0};
    std::atomic<uint32_t> serving_{0};
};

// Holds a lock for a scope. Use IrqLockGuard when the lock is also taken
// from interrupt context.
template <typename Lock>
class LockGuard final {
public:
    explicit LockGuard(Lock& l) : lock_(l) { lock_.lock(); }
    ~LockGuard() { lock_.unlock(); }
    LockGuard(const LockGuard&) = delete;
    LockGuard& operator=(const LockGuard&) = delete;

private:
    Lock& lock_;
};

template <typename Lock>
class IrqLockGuard final {
public:
    explicit IrqLockGuard(Lock& l) : lock_(l), state_(hal::irq_save()) { lock_.lock(); }
    ~IrqLockGuard() {
        lock_.unlock();
        hal::irq_restore(state_);
    }
    IrqLockGuard(const IrqLockGuard&) = delete;
    IrqLockGuard& operator=(const IrqLockGuard&) = delete;

private:
    Lock& lock_;
    hal::IrqState state_;
};

}  // namespace bh
