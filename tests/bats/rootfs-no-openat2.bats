#!/usr/bin/env bats
# The whole rootfs suite again as on a kernel without openat2: every path
# inside the rootfs then goes through the fallback walk (src/linux/safe-path.c),
# and the hostile-bundle cases must hold just the same.

@test "the rootfs suite passes with openat2 failing with ENOSYS" {
  wrapper="$TOP_BUILDDIR/tests/helpers/no-openat2"
  [ -x "$wrapper" ] || skip "built without libseccomp"
  # The wrapper really takes openat2 away.
  run "$wrapper" python3 -c 'import ctypes, errno; r = ctypes.CDLL(None, use_errno=True).syscall(437, -100, b"/", None, 24); print(r, errno.errorcode[ctypes.get_errno()])'
  [ "$output" = "-1 ENOSYS" ]
  ROOTFS_WRAP=$wrapper run bats --tap "$TOP_SRCDIR/tests/bats/rootfs.bats"
  echo "$output"
  [ "$status" -eq 0 ]
}

@test "the rootfs suite passes through the init harness (the src/linux modules alone), without openat2" {
  wrapper="$TOP_BUILDDIR/tests/helpers/no-openat2"
  [ -x "$wrapper" ] || skip "built without libseccomp"
  ROOTFS_DRIVER=harness ROOTFS_WRAP=$wrapper run bats --tap "$TOP_SRCDIR/tests/bats/rootfs.bats"
  echo "$output"
  [ "$status" -eq 0 ]
}
