#!/usr/bin/env python3
"""Turn a containers/common seccomp profile (podman's
/usr/share/containers/seccomp.json: archMap, includes/excludes) into the OCI
linux.seccomp object podman would put in config.json, for one architecture
and one capability set.  Resolution follows containers/common's
pkg/seccomp setupSeccomp: archMap entries for the architecture give
"architectures"; a syscall entry is dropped when excludes lists the
architecture or any held capability, or when includes lists architectures
without this one or capabilities not all held.  minKernel is compared with
the running kernel.

usage: containers-seccomp-to-oci.py PROFILE [--arch amd64] [--caps all|CAP_A,CAP_B]
Prints the linux.seccomp object (not a whole config.json)."""
import argparse
import json
import os
import sys

ALL_CAPS = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
    "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
    "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
]

SCMP_ARCH = {"amd64": "SCMP_ARCH_X86_64", "arm64": "SCMP_ARCH_AARCH64", "s390x": "SCMP_ARCH_S390X",
             "ppc64le": "SCMP_ARCH_PPC64LE", "386": "SCMP_ARCH_X86", "arm": "SCMP_ARCH_ARM"}


def kernel_version():
    rel = os.uname().release.split("-")[0].split(".")
    return tuple(int(x) for x in rel[:2])


def keep(entry, arch, caps):
    inc = entry.get("includes") or {}
    exc = entry.get("excludes") or {}
    if arch in (exc.get("arches") or []):
        return False
    if any(c in caps for c in (exc.get("caps") or [])):
        return False
    if inc.get("arches") and arch not in inc["arches"]:
        return False
    if inc.get("caps") and not all(c in caps for c in inc["caps"]):
        return False
    if inc.get("minKernel"):
        want = tuple(int(x) for x in inc["minKernel"].split(".")[:2])
        if kernel_version() < want:
            return False
    return True


def convert(profile, arch, caps):
    out = {"defaultAction": profile["defaultAction"]}
    if "defaultErrnoRet" in profile:
        out["defaultErrnoRet"] = profile["defaultErrnoRet"]
    arches = []
    for m in profile.get("archMap") or []:
        if m["architecture"] == SCMP_ARCH[arch]:
            arches = [m["architecture"]] + list(m.get("subArchitectures") or [])
    if arches:
        out["architectures"] = arches
    syscalls = []
    for entry in profile.get("syscalls") or []:
        if not keep(entry, arch, caps):
            continue
        rule = {"names": entry["names"], "action": entry["action"]}
        if "errnoRet" in entry:
            rule["errnoRet"] = entry["errnoRet"]
        if entry.get("args"):
            rule["args"] = entry["args"]
        syscalls.append(rule)
    out["syscalls"] = syscalls
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("profile")
    ap.add_argument("--arch", default="amd64")
    ap.add_argument("--caps", default="all")
    a = ap.parse_args()
    caps = ALL_CAPS if a.caps == "all" else a.caps.split(",")
    with open(a.profile) as f:
        profile = json.load(f)
    json.dump(convert(profile, a.arch, caps), sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
