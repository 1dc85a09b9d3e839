// Resolves the uid/gid/groups a container process runs as, from the security context, the image's
// USER and the image's own /etc/passwd and /etc/group (as containerd does: names are looked up in the
// rootfs, never on the host). Pure: the caller reads the two files.

import type { LinuxContainerSecurityContext } from '../cri/types.js';

export interface ProcessUser { uid: number; gid: number; additionalGids: number[]; home?: string }

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

export function parsePasswd(text: string | undefined): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 4) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    out.push({ name: f[0]!, uid, gid, home: f[5] ?? '' });
  }
  return out;
}

export function parseGroup(text: string | undefined): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 3) continue;
    const gid = Number(f[2]);
    if (!Number.isInteger(gid)) continue;
    out.push({ name: f[0]!, gid, members: (f[3] ?? '').split(',').map((s) => s.trim()).filter(Boolean) });
  }
  return out;
}

const isNumeric = (s: string): boolean => /^[0-9]+$/.test(s);

/**
 * Throws an Error with a CRI-style message when a named user or group is not in the image, which the
 * kubelet surfaces as CreateContainerError.
 */
export function resolveUser(
  sc: LinuxContainerSecurityContext,
  imageUser: string | undefined,
  passwdText: string | undefined,
  groupText: string | undefined,
): ProcessUser {
  const passwd = parsePasswd(passwdText);
  const groups = parseGroup(groupText);
  let uid = 0;
  let gid: number | undefined;
  let entry: PasswdEntry | undefined;

  if (sc.runAsUser !== undefined) {
    uid = sc.runAsUser;
    entry = passwd.find((p) => p.uid === uid);
  } else {
    const spec = sc.runAsUsername ?? imageUser ?? '';
    const [userPart = '', groupPart] = spec.split(':', 2);
    if (userPart === '') {
      uid = 0;
      entry = passwd.find((p) => p.uid === 0);
    } else if (isNumeric(userPart)) {
      uid = Number(userPart);
      entry = passwd.find((p) => p.uid === uid);
    } else {
      entry = passwd.find((p) => p.name === userPart);
      if (!entry) throw new Error(`no users found matching "${userPart}" in the image's /etc/passwd`);
      uid = entry.uid;
    }
    if (groupPart !== undefined && groupPart !== '') {
      if (isNumeric(groupPart)) gid = Number(groupPart);
      else {
        const g = groups.find((x) => x.name === groupPart);
        if (!g) throw new Error(`no groups found matching "${groupPart}" in the image's /etc/group`);
        gid = g.gid;
      }
    }
  }
  if (sc.runAsGroup !== undefined) gid = sc.runAsGroup;
  if (gid === undefined) gid = entry?.gid ?? 0;

  // Primary group first, then the image's memberships, then the pod's supplementalGroups
  // (containerd's order; `id` inside a pod shows the same list).
  const extra: number[] = [gid];
  if (entry) for (const g of groups) if (g.members.includes(entry.name)) extra.push(g.gid);
  for (const g of sc.supplementalGroups ?? []) extra.push(g);
  const additionalGids = [...new Set(extra)];
  const user: ProcessUser = { uid, gid, additionalGids };
  if (entry?.home) user.home = entry.home;
  return user;
}
