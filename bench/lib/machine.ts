import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, hostname, release, totalmem } from 'node:os';

/** What the figures were measured on: printed at the top of every benchmark. */
export interface MachineInfo {
  host: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  kernel: string;
  date: string;
}

export function machineInfo(): MachineInfo {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  let cores = cpus().length;
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? cpuModel;
    cores = (info.match(/^processor\s*:/gm) ?? []).length || cores;
  } catch {
    // not Linux: os.cpus() is good enough
  }
  return {
    host: hostname(),
    cpuModel,
    cores,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: release(),
    date: new Date().toISOString().slice(0, 10),
  };
}

/** The commit measured, and how many files differ from it (the tree is shared with other work). */
export function codeVersion(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean).length;
    return `git ${head}${dirty ? ` + ${dirty} changed/new paths under src/` : ''}`;
  } catch {
    return 'git: unknown';
  }
}

export function machineLine(m: MachineInfo = machineInfo()): string {
  return `${m.date} · host ${m.host} · ${m.cores} cores ${m.cpuModel} · ${m.memoryGiB} GiB · Node ${m.node} · Linux ${m.kernel} · ${codeVersion()}`;
}
