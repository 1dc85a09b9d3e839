// Runs iproute2 and friends: one spawn per call, optional stdin (for `ip -batch -`), output captured.

import { spawn } from 'node:child_process';

export interface ExecResult { code: number; stdout: string; stderr: string }

export function execTool(cmd: string, args: string[], input?: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', (e) => reject(new Error(`cannot run ${cmd}: ${e.message}`)));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    if (input !== undefined && child.stdin) child.stdin.end(input);
  });
}

/** Throws with the command and its stderr when it fails. */
export async function execOk(cmd: string, args: string[], input?: string): Promise<string> {
  const r = await execTool(cmd, args, input);
  if (r.code !== 0) {
    const what = input === undefined ? `${cmd} ${args.join(' ')}` : `${cmd} ${args.join(' ')} <<${JSON.stringify(input)}`;
    throw new Error(`${what} failed (exit ${r.code}): ${r.stderr.trim()}`);
  }
  return r.stdout;
}
