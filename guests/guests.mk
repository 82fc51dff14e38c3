# Guest images the scenarios load as Multiboot2 modules, built into
# $(BUILD)/guests/. The test kernel is 32-bit C with no libc: it needs no
# multilib headers (-nostdinc), only gcc and ld.
GUEST_DIR := $(BUILD)/guests
TEST_KERNEL := $(GUEST_DIR)/test-kernel.elf
TEST_KERNEL_SRCS := guests/test-kernel/entry.S guests/test-kernel/main.c
GUEST_CFLAGS := -m32 -std=c11 -O2 -ffreestanding -nostdinc -fno-pic -fno-stack-protector -fno-builtin \
                -mno-sse -mno-mmx -Wall -Wextra -Werror

$(TEST_KERNEL): $(TEST_KERNEL_SRCS) guests/test-kernel/link.ld
	@mkdir -p $(GUEST_DIR)/obj
	@echo "  GUEST   $@"
	@gcc $(GUEST_CFLAGS) -c guests/test-kernel/entry.S -o $(GUEST_DIR)/obj/tk-entry.o
	@gcc $(GUEST_CFLAGS) -c guests/test-kernel/main.c -o $(GUEST_DIR)/obj/tk-main.o
	@ld -m elf_i386 -nostdlib -z noexecstack --no-warn-rwx-segments -T guests/test-kernel/link.ld -o $@ $(GUEST_DIR)/obj/tk-entry.o $(GUEST_DIR)/obj/tk-main.o

.PHONY: guests
guests: $(TEST_KERNEL)
