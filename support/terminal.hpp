// What a program may do to its output: colour and a live progress line only
// on a terminal, and colour never when NO_COLOR is set (no-color.org) or
// TERM is dumb. Piped output (CI logs, files) stays plain text.
#pragma once

namespace support {

bool is_terminal(int fd);
// is_terminal(fd), NO_COLOR unset or empty, TERM not "dumb".
bool colour_wanted(int fd);

}  // namespace support
