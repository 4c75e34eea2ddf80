// Text that came from a person or another machine (a note, an actor's name, a PR title), made safe
// to print on someone else's terminal: control characters are shown, never obeyed. A note holding
// ESC ] 52 would otherwise set the reader's clipboard, and ESC [ 2 J clear their screen. Line
// breaks become spaces, since each event is one line; every other control character is written in
// caret notation (ESC as ^[, BEL as ^G, DEL as ^?) and C1 controls as \x9b.

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function printable(text: string): string {
  return text.replace(CONTROL, (c) => {
    if (c === "\n" || c === "\r" || c === "\t") return " ";
    const code = c.charCodeAt(0);
    if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
    if (code === 0x7f) return "^?";
    return `\\x${code.toString(16)}`;
  });
}
