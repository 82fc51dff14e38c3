// Shell loop: poll the console, edit the line, dispatch commands.
#include "common/shell.hpp"

#include "common/console.hpp"
#include "common/shell_cmds.hpp"
#include "common/shell_line.hpp"
#include "hal/cpu.hpp"
#include "hal/timer.hpp"

namespace bh::shell {
namespace {

constexpr const char* kPrompt = "bulkhead> ";
constexpr uint64_t kPollMs = 10;

void echo(const Event& e) {
    switch (e.action) {
        case EditAction::none: break;
        case EditAction::echo: console::write(&e.ch, 1); break;
        case EditAction::erase_char: console::write("\b \b", 3); break;
        case EditAction::erase_line:
            for (size_t i = 0; i < e.count; ++i) console::write("\b \b", 3);
            break;
        case EditAction::line_done: console::write("\n", 1); break;
        case EditAction::bell: console::write("\a", 1); break;
    }
}

void execute(char* line) {
    int rc = 0;
    switch (dispatch(line, commands(), command_count(), nullptr, rc)) {
        case DispatchResult::ok:
        case DispatchResult::empty_line: break;
        case DispatchResult::unknown_command: console::print("unknown command; type 'help'\n"); break;
        case DispatchResult::too_many_args: console::print("too many arguments\n"); break;
        case DispatchResult::bad_quote: console::print("unbalanced quote\n"); break;
    }
}

}  // namespace

void run() {
    // The console is polled; a periodic timer wakes this pCPU to look.
    hal::Timer tick;
    tick.period = kPollMs * hal::ticks_per_ms();
    tick.deadline = hal::now_ticks() + tick.period;
    tick.fn = [](hal::Timer&, void*) {};
    hal::timer_start(tick);

    LineEditor editor;
    console::print("Bulkhead shell; type 'help' for commands.\n%s", kPrompt);
    for (;;) {
        const int c = console::getc();
        if (c < 0) {
            hal::wait_for_interrupt();
            continue;
        }
        const Event e = editor.feed(static_cast<char>(c));
        echo(e);
        if (e.action == EditAction::line_done) {
            execute(editor.line());
            editor.reset();
            console::print("%s", kPrompt);
        }
    }
}

}  // namespace bh::shell
