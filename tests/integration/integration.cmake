# Integration tests: boot the real GRUB ISO of a board in its emulator and
# judge pass/fail from the serial console (misc/emu/bulkhead-emu --script).
# The ISOs are built by `make test` under BH_BUILD_ROOT/<board>/.
option(BH_SKIP_INTEGRATION "Do not register the emulator tests" OFF)
set(BH_BUILD_ROOT "${CMAKE_CURRENT_SOURCE_DIR}/build" CACHE PATH "Where make puts build/<board>/bulkhead.iso")

if(NOT BH_SKIP_INTEGRATION)
    set(BH_EMU ${CMAKE_CURRENT_SOURCE_DIR}/misc/emu/bulkhead-emu)
    set(BH_ITEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/tests/integration)

    # bh_emu_test(<name> <board> <scenario> <script> <timeout-seconds> [<iso file name>])
    function(bh_emu_test name board scenario script timeout)
        set(iso bulkhead.iso)
        if(ARGC GREATER 5)
            set(iso ${ARGV5})
        endif()
        set(work ${CMAKE_CURRENT_BINARY_DIR}/emu/${name})
        add_test(NAME ${name}
            COMMAND /usr/bin/python3 ${BH_EMU}
                --board ${CMAKE_CURRENT_SOURCE_DIR}/board/${board}.xml
                --iso ${BH_BUILD_ROOT}/${board}/${scenario}/${iso}
                --workdir ${work}
                --script ${BH_ITEST_DIR}/${script}
                --timeout ${timeout})
        # ctest's own limit sits above the runner's, which reports the failing step.
        math(EXPR ctest_timeout "${timeout} + 60")
        set_tests_properties(${name} PROPERTIES LABELS integration TIMEOUT ${ctest_timeout})
    endfunction()

    bh_emu_test(boot_smp4_shell bochs-vmx-4 partitioned boot_smp4_shell.script 900)
    bh_emu_test(fault_stops_one_pcpu bochs-vmx-2 partitioned fault_stops_one_pcpu.script 600)
    bh_emu_test(panic_stops_all bochs-vmx-2 partitioned panic_stops_all.script 600)
    bh_emu_test(xapic_mode_smp2 bochs-vmx-2 partitioned xapic_mode_smp2.script 600 bulkhead-xapic.iso)
    bh_emu_test(vm_list_hybrid_rt bochs-vmx-4 hybrid-rt vm_list_hybrid_rt.script 900)
    bh_emu_test(vm_list_shared bochs-vmx-2 shared vm_list_shared.script 600)
    bh_emu_test(vmx_test_guest bochs-vmx-2 partitioned vmx_test_guest.script 600)
    bh_emu_test(vm_triple_fault bochs-vmx-2 triple-fault vm_triple_fault.script 600)
    bh_emu_test(vm_halt bochs-vmx-2 halt vm_halt.script 600)
    bh_emu_test(no_vmx_refuses qemu-tcg partitioned no_vmx_refuses.script 300)
endif()
