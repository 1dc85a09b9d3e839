// Structured logs: one JSON object a line, or a human line on a TTY, each with a component.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Logger = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

export function makeLogger(component: string, min: LogLevel = 'info', out: NodeJS.WritableStream = process.stderr, tty = Boolean((out as { isTTY?: boolean }).isTTY)): Logger {
  return (level, msg, fields = {}) => {
    if (!logsAt(level, min)) return;
    const time = new Date().toISOString();
    if (tty) {
      const extra = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
      out.write(`${time} ${level.toUpperCase().padEnd(5)} [${component}] ${msg}${extra ? ` ${extra}` : ''}\n`);
    } else {
      out.write(`${JSON.stringify({ time, level, component, msg, ...fields })}\n`);
    }
  };
}

/** Whether a logger set to `min` writes lines of `level`. */
export function logsAt(level: LogLevel, min: LogLevel): boolean {
  return ORDER[level] >= ORDER[min];
}

export function isLogLevel(s: string): s is LogLevel {
  return s in ORDER;
}
