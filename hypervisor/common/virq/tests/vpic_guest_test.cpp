// The vPIC driven by the exact byte sequences Linux and SeaBIOS write
// (initialisation, probing, acknowledge/EOI paths, spurious checks), plus a
// randomised guest that must never lose an interrupt.
#include <random>

#include "vpic_fixture.hpp"

namespace {

using namespace vpic_test;

// ---- Linux (arch/x86/kernel/i8259.c) ----

class LinuxGuest : public VpicTest {
protected:
    static constexpr uint8_t kBase = 0x30;  // ISA_IRQ_VECTOR(0) in current kernels

    void boot(uint8_t base = kBase) {
        // probe_8259A(): slave all masked, master 0xFB, read it back.
        out(0xA1, 0xFF);
        out(0x21, 0xFB);
        ASSERT_EQ(in(0x21), 0xFB);
        linux_init(base);
        base_ = base;
        cached_ = 0xFFFF;
        enable(2);  // the cascade ("irq2" action)
    }
    void write_masks() {
        out(0x21, static_cast<uint8_t>(cached_));
        out(0xA1, static_cast<uint8_t>(cached_ >> 8));
    }
    void enable(unsigned irq) {
        cached_ = static_cast<uint16_t>(cached_ & ~(1u << irq));
        out(irq < 8 ? 0x21 : 0xA1, static_cast<uint8_t>(irq < 8 ? cached_ : cached_ >> 8));
    }
    // i8259A_irq_real(): read the ISR through OCW3, then select IRR again.
    bool irq_real(unsigned irq) {
        const uint16_t cmd = irq < 8 ? 0x20 : 0xA0;
        out(cmd, 0x0B);
        const bool in_service = (in(cmd) >> (irq & 7)) & 1;
        out(cmd, 0x0A);
        return in_service;
    }
    // mask_and_ack_8259A(), with its spurious check. Returns false for a
    // spurious interrupt.
    bool mask_and_ack(unsigned irq) {
        const uint16_t bit = static_cast<uint16_t>(1u << irq);
        bool real = true;
        if ((cached_ & bit) != 0) {
            real = irq_real(irq);
            if (!real) ++spurious_;
        }
        cached_ |= bit;
        if (irq & 8) {
            in(0xA1);
            out(0xA1, static_cast<uint8_t>(cached_ >> 8));
            out(0xA0, static_cast<uint8_t>(0x60 + (irq & 7)));
            out(0x20, 0x62);
        } else {
            in(0x21);
            out(0x21, static_cast<uint8_t>(cached_));
            out(0x20, static_cast<uint8_t>(0x60 + irq));
        }
        return real;
    }
    // The irq core's path for one vector: mask+ack, handle, unmask.
    unsigned take_interrupt() {
        const uint8_t v = pic.acknowledge();
        EXPECT_GE(v, base_);
        EXPECT_LT(v, base_ + 16);
        const unsigned irq = v - base_;
        const bool was_enabled = ((cached_ >> irq) & 1) == 0;
        const bool real = mask_and_ack(irq);
        if (real && was_enabled) enable(irq);
        return irq;
    }

    uint8_t base_ = kBase;
    uint16_t cached_ = 0xFFFF;
    unsigned spurious_ = 0;
};

TEST_F(LinuxGuest, InitSequenceLeavesExpectedState) {
    boot();
    EXPECT_FALSE(pic.master().in_init());
    EXPECT_FALSE(pic.slave().in_init());
    EXPECT_EQ(in(0x21), 0xFB);
    EXPECT_EQ(in(0xA1), 0xFF);
    EXPECT_EQ(pic.master().vector(0), 0x30);
    EXPECT_EQ(pic.slave().vector(0), 0x38);
    EXPECT_TRUE(pic.master().slave_on(2));
    EXPECT_EQ(pic.slave().slave_id(), 2);
    EXPECT_FALSE(pic.master().aeoi());
    EXPECT_EQ(in(0x20), 0);  // IRR
    EXPECT_FALSE(pic.intr_output());
}

TEST_F(LinuxGuest, OlderKernelsBaseAt0x20) {
    boot(0x20);
    enable(0);
    enable(8);
    pulse(0);
    EXPECT_EQ(take_interrupt(), 0u);
    pulse(8);
    EXPECT_EQ(pic.master().irr() & 0x04, 0x04);
    EXPECT_EQ(take_interrupt(), 8u);
    EXPECT_EQ(pic.slave().vector(0), 0x28);
    EXPECT_FALSE(pic.intr_output());
}

TEST_F(LinuxGuest, TimerKeyboardRtcMouseDisk) {
    boot();
    for (unsigned irq : {0u, 1u, 8u, 12u, 14u}) enable(irq);
    pulse(14);
    pulse(1);
    pulse(12);
    pulse(0);
    pulse(8);
    std::vector<unsigned> order;
    while (pic.intr_output()) order.push_back(take_interrupt());
    // Master priority with the slave at IR2: 0, 1, then 8, 12, 14.
    EXPECT_EQ(order, (std::vector<unsigned>{0, 1, 8, 12, 14}));
    EXPECT_EQ(pic.master().isr(), 0);
    EXPECT_EQ(pic.slave().isr(), 0);
    EXPECT_EQ(spurious_, 0u);
    EXPECT_EQ(in(0x21), 0xF8);
    EXPECT_EQ(in(0xA1), 0xAE);
}

TEST_F(LinuxGuest, EdgeWhileMaskedForHandlingIsDeliveredAfter) {
    boot();
    enable(0);
    pulse(0);
    const uint8_t v = pic.acknowledge();
    ASSERT_EQ(v, 0x30);
    mask_and_ack(0);  // IRQ0 masked in the IMR while its handler runs
    pulse(0);         // next timer tick arrives during the handler
    EXPECT_FALSE(pic.intr_output());
    enable(0);  // handler done
    EXPECT_TRUE(pic.intr_output());
    EXPECT_EQ(take_interrupt(), 0u);
}

TEST_F(LinuxGuest, SpuriousIrq7IsDetectedThroughTheIsr) {
    boot();
    enable(3);
    out(0x4D0, 0x08);  // IRQ3 level (as a PCI device would be)
    raise(3);
    lower(3);  // withdrawn before the INTA
    EXPECT_EQ(take_interrupt(), 7u);
    EXPECT_EQ(spurious_, 1u);
    EXPECT_EQ(pic.master().isr(), 0);
    EXPECT_FALSE(pic.intr_output());
}

TEST_F(LinuxGuest, SpuriousIrq15IsDetectedAndTheMasterEoied) {
    boot();
    enable(10);
    out(0x4D1, 0x04);
    raise(10);
    lower(10);
    EXPECT_EQ(take_interrupt(), 15u);
    EXPECT_EQ(spurious_, 1u);
    EXPECT_EQ(pic.master().isr(), 0);  // the 0x62 EOI cleared IS2
    EXPECT_EQ(pic.slave().isr(), 0);
    enable(10);
    raise(10);
    EXPECT_EQ(take_interrupt(), 10u);
}

TEST_F(LinuxGuest, ReinitAfterFirmwareClearsStaleState) {
    seabios_init();
    unmask(0);
    pulse(0);
    EXPECT_EQ(pic.acknowledge(), 0x08);  // firmware never EOIs this one
    pulse(0);
    boot();
    enable(0);
    EXPECT_EQ(pic.master().isr(), 0);
    EXPECT_FALSE(pic.intr_output());  // the edge before ICW1 is gone
    pulse(0);
    EXPECT_EQ(take_interrupt(), 0u);
}

// ---- SeaBIOS (src/hw/pic.c, the IRQ handlers) ----

TEST_F(VpicTest, SeabiosSetupAndHandlers) {
    seabios_init();
    EXPECT_EQ(in(0x21), 0xFB);
    EXPECT_EQ(in(0xA1), 0xFF);
    EXPECT_EQ(pic.master().vector(0), 0x08);
    EXPECT_EQ(pic.slave().vector(0), 0x70);
    for (unsigned irq : {0u, 1u, 8u, 12u, 14u}) unmask(irq);
    EXPECT_EQ(in(0x21), 0xF8);
    EXPECT_EQ(in(0xA1), 0xAE);
    // Timer: handle_08 ends with a non-specific EOI to PIC1.
    pulse(0);
    EXPECT_EQ(pic.acknowledge(), 0x08);
    seabios_eoi(0);
    // RTC: handle_70 EOIs PIC2 then PIC1.
    pulse(8);
    EXPECT_EQ(pic.acknowledge(), 0x70);
    seabios_eoi(8);
    // Disk and mouse at once: 12 before 14.
    pulse(14);
    pulse(12);
    EXPECT_EQ(pic.acknowledge(), 0x74);
    seabios_eoi(12);
    EXPECT_EQ(pic.acknowledge(), 0x76);
    seabios_eoi(14);
    EXPECT_FALSE(pic.intr_output());
    // An unexpected IRQ: handle_hwpic1 reads the ISR (OCW3 0x0B, never
    // switched back) and EOIs.
    unmask(6);
    pulse(6);
    EXPECT_EQ(pic.acknowledge(), 0x0E);
    EXPECT_EQ(read_isr(0x20), 0x40);
    seabios_eoi(6);
    EXPECT_EQ(in(0x20), 0x00);  // ISR still selected, now empty
    EXPECT_EQ(pic.counters().spurious_master + pic.counters().spurious_slave, 0u);
}

TEST_F(VpicTest, SeabiosPciLevelInterruptsViaElcr) {
    seabios_init();
    out(0x4D0, 0x20);  // PCI link on IRQ5
    out(0x4D1, 0x0C);  // and IRQ10, IRQ11
    unmask(5);
    unmask(10);
    unmask(11);
    raise(5);
    raise(11);
    EXPECT_EQ(pic.acknowledge(), 0x73);  // IR2 beats IR5 on the master
    lower(11);
    seabios_eoi(11);
    EXPECT_EQ(pic.acknowledge(), 0x0D);
    seabios_eoi(5);  // line still high: again
    EXPECT_EQ(pic.acknowledge(), 0x0D);
    lower(5);
    seabios_eoi(5);
    EXPECT_FALSE(pic.intr_output());
}

// ---- randomised guests: nothing is ever lost ----

enum class EoiStyle { specific, non_specific, rotate_non_specific, auto_eoi };

class RandomGuest : public VpicTest, public ::testing::WithParamInterface<EoiStyle> {
protected:
    static constexpr uint8_t kMasterBase = 0x30;
    static constexpr uint8_t kSlaveBase = 0x38;
    static constexpr uint16_t kLevelIrqs = (1u << 5) | (1u << 10) | (1u << 11);

    void init() {
        const bool aeoi = GetParam() == EoiStyle::auto_eoi;
        out(0x20, 0x11);
        out(0x21, kMasterBase);
        out(0x21, 0x04);
        out(0x21, aeoi ? 0x03 : 0x01);
        out(0xA0, 0x11);
        out(0xA1, kSlaveBase);
        out(0xA1, 0x02);
        out(0xA1, aeoi ? 0x03 : 0x01);
        out(0x4D0, static_cast<uint8_t>(kLevelIrqs));
        out(0x4D1, static_cast<uint8_t>(kLevelIrqs >> 8));
        imr_ = 0;
        write_imr();
    }
    void write_imr() {
        out(0x21, static_cast<uint8_t>(imr_));
        out(0xA1, static_cast<uint8_t>(imr_ >> 8));
    }
    static bool is_level(unsigned irq) { return ((kLevelIrqs >> irq) & 1) != 0; }

    void eoi(unsigned irq) {
        switch (GetParam()) {
        case EoiStyle::specific:
            if (irq >= 8) out(0xA0, static_cast<uint8_t>(0x60 + (irq & 7)));
            out(0x20, static_cast<uint8_t>(0x60 + (irq >= 8 ? 2 : irq)));
            break;
        case EoiStyle::non_specific:
            if (irq >= 8) out(0xA0, 0x20);
            out(0x20, 0x20);
            break;
        case EoiStyle::rotate_non_specific:
            if (irq >= 8) out(0xA0, 0xA0);
            out(0x20, 0xA0);
            break;
        case EoiStyle::auto_eoi: break;
        }
    }

    void eoi_master_cascade() {
        switch (GetParam()) {
        case EoiStyle::specific: out(0x20, 0x62); break;
        case EoiStyle::non_specific: out(0x20, 0x20); break;
        case EoiStyle::rotate_non_specific: out(0x20, 0xA0); break;
        case EoiStyle::auto_eoi: break;
        }
    }

    // Random device activity: edges pulse, level devices raise their line.
    void device_event() {
        unsigned irq = rng_() % 16;
        if (irq == 2) irq = 9;
        if (is_level(irq)) {
            raise(irq);
        } else {
            pulse(irq);
        }
        pending_[irq] = true;
    }

    // The guest with IF=1: take interrupts while INTR is up. Handlers
    // sometimes re-enable interrupts (nesting) and devices fire meanwhile.
    void run_interrupts(int depth) {
        while (pic.intr_output()) {
            const uint64_t spurious_before = pic.counters().spurious_slave;
            const uint8_t v = pic.acknowledge();
            ASSERT_EQ(pic.counters().spurious_master, 0u);  // INTR was checked just before
            if (pic.counters().spurious_slave != spurious_before) {
                // A slave request masked after the master latched IR2:
                // IRQ15 with no slave ISR bit; only the master is EOIed.
                ASSERT_EQ(v, kSlaveBase + 7);
                ASSERT_EQ(pic.slave().isr() & 0x80, 0);
                eoi_master_cascade();
                continue;
            }
            ASSERT_GE(v, kMasterBase);
            ASSERT_LT(v, kMasterBase + 16);
            const unsigned irq = v - kMasterBase;
            ASSERT_NE(irq, 2u);
            ASSERT_TRUE(pending_[irq]) << "interrupt without a request: IRQ" << irq;
            ASSERT_EQ((imr_ >> irq) & 1, 0u) << "masked IRQ delivered";
            pending_[irq] = false;
            ++delivered_[irq];
            if (is_level(irq)) lower(irq);  // the handler services the device
            if (rng_() % 4 == 0) device_event();
            if (depth < 20 && rng_() % 3 == 0) run_interrupts(depth + 1);
            eoi(irq);
        }
    }

    std::mt19937 rng_{20240601};
    uint16_t imr_ = 0;
    bool pending_[16] = {};
    unsigned delivered_[16] = {};
};

TEST_P(RandomGuest, NeverLosesAnInterrupt) {
    init();
    unsigned events = 0;
    for (int step = 0; step < 20000; ++step) {
        switch (rng_() % 6) {
        case 0:
        case 1:
        case 2:
            device_event();
            ++events;
            break;
        case 3: {  // mask or unmask one line (never the cascade)
            unsigned irq = rng_() % 16;
            if (irq == 2) break;
            imr_ = static_cast<uint16_t>(imr_ ^ (1u << irq));
            write_imr();
            break;
        }
        default:
            run_interrupts(0);
            if (HasFatalFailure()) return;
            break;
        }
    }
    imr_ = 0;
    write_imr();
    run_interrupts(0);
    ASSERT_FALSE(HasFatalFailure());
    for (unsigned irq = 0; irq < 16; ++irq) {
        EXPECT_FALSE(pending_[irq]) << "IRQ" << irq << " lost";
        if (irq != 2) {
            EXPECT_GT(delivered_[irq], 0u) << irq;
        }
    }
    EXPECT_EQ(pic.master().isr(), 0);
    EXPECT_EQ(pic.slave().isr(), 0);
    EXPECT_EQ(pic.master().irr(), 0);
    EXPECT_EQ(pic.slave().irr(), 0);
    EXPECT_EQ(pic.counters().spurious_master, 0u);
    EXPECT_EQ(pic.counters().bad_cascade, 0u);
    EXPECT_GT(events, 5000u);
}

INSTANTIATE_TEST_SUITE_P(EoiStyles, RandomGuest,
                         ::testing::Values(EoiStyle::specific, EoiStyle::non_specific,
                                           EoiStyle::rotate_non_specific, EoiStyle::auto_eoi),
                         [](const ::testing::TestParamInfo<EoiStyle>& p) {
                             switch (p.param) {
                             case EoiStyle::specific: return "Specific";
                             case EoiStyle::non_specific: return "NonSpecific";
                             case EoiStyle::rotate_non_specific: return "RotateNonSpecific";
                             case EoiStyle::auto_eoi: return "AutoEoi";
                             }
                             return "Unknown";
                         });

}  // namespace
