// Shell loop: poll the console, edit the line, dispatch commands.
#include "common/shell.hpp"

#include <atomic>

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

LineEditor g_editor;
hal::Timer g_tick;
std::atomic<bool> g_poll{false};

}  // namespace

void start() {
    // The console is polled; a periodic timer marks it for service.
    g_tick.period = kPollMs * hal::ticks_per_ms();
    g_tick.deadline = hal::now_ticks() + g_tick.period;
    g_tick.fn = [](hal::Timer&, void*) { g_poll.store(true, std::memory_order_relaxed); };
    hal::timer_start(g_tick);
    console::print("Bulkhead shell; type 'help' for commands.\n%s", kPrompt);
}

void service() {
    if (!g_poll.exchange(false, std::memory_order_relaxed)) return;
    for (int c = console::getc(); c >= 0; c = console::getc()) {
        const Event e = g_editor.feed(static_cast<char>(c));
        echo(e);
        if (e.action == EditAction::line_done) {
            execute(g_editor.line());
            g_editor.reset();
            console::print("%s", kPrompt);
        }
    }
}

}  // namespace bh::shell
