/* seccomp: every profile here is really loaded, in a forked child that
 * then makes the syscall and reports what happened (or dies of it).
 * getppid(2) ignores its arguments while seccomp sees them, which makes it
 * a harmless probe for the argument operators.  TAP output. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include "oci-spec/config.h"
#include "ocirun/cleanup.h"
#include "ocirun/seccomp.h"
#include "src/linux/seccomp-internal.h"
#include "tests/helpers/tap.h"

#define NAMES(...)                                                                                                \
  ((oci_strv) { .items = (char *[]) { __VA_ARGS__, NULL },                                                     \
                .len = sizeof ((char *[]) { __VA_ARGS__ }) / sizeof (char *) })

/* What the child saw; zeroed when it died before reporting. */
struct outcome
{
  bool reported, built, loaded;
  long ret;
  int err;
  int trapped_nr; /* the syscall number SIGSYS reported, TRAP only */
  char msg[512];
  int status; /* waitpid's */
};

typedef long (*probe_fn) (const void *arg);

/* The agent side of a NOTIFY test, run in the parent while the child waits. */
typedef void (*agent_fn) (pid_t child, void *data);

struct child_opts
{
  bool no_new_privs;
  uid_t uid; /* switch to it before loading, when non-zero */
  const char *listener_path;
  const char *cache_dir;
};

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1 /* si_code of a seccomp SIGSYS (linux/signal.h) */
#endif

static volatile sig_atomic_t trapped_nr = -1;

static void
on_sigsys (int sig, siginfo_t *info, void *ctx)
{
  (void) sig, (void) ctx;
  trapped_nr = info->si_code == SYS_SECCOMP ? info->si_syscall : -2;
}

static void __attribute__ ((noreturn))
child_report (int fd, struct outcome *r, ocirun_error_t err)
{
  if (err)
    {
      cleanup_free char *msg = ocirun_error_format (err);
      snprintf (r->msg, sizeof (r->msg), "%s", msg);
    }
  r->reported = true;
  if (write (fd, r, sizeof (*r)) != sizeof (*r))
    _exit (3);
  _exit (0);
}

static int
child_prepare (const struct child_opts *o)
{
  struct rlimit no_core = { 0, 0 };
  struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };

  /* SIGSYS dumps core by default: not from a test. */
  if (prctl (PR_SET_DUMPABLE, 0) < 0 || setrlimit (RLIMIT_CORE, &no_core) < 0 || sigaction (SIGSYS, &sa, NULL) < 0)
    return -1;
  if (o->no_new_privs && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return -1;
  if (o->uid && setresuid (o->uid, o->uid, o->uid) < 0)
    return -1;
  return 0;
}

static const char test_state[] = "{\"ociVersion\":\"1.3.0\",\"id\":\"ctr-1\",\"status\":\"creating\",\"pid\":%d,"
                                 "\"bundle\":\"/b\",\"annotations\":{\"a\":\"b\"},\"n\":[1,2.5,true,null]}";

static void __attribute__ ((noreturn))
child_main (const oci_seccomp *s, const struct child_opts *o, probe_fn probe, const void *arg, int fd)
{
  struct outcome r = { 0 };
  struct seccomp_compiled *c = NULL;
  ocirun_error_t err = NULL;
  int notify_fd = -1;

  if (child_prepare (o) < 0)
    child_report (fd, &r, NULL);
  if (seccomp_filter_build_cached (s, o->cache_dir, &c, &err) < 0)
    child_report (fd, &r, err);
  r.built = true;
  if (seccomp_filter_load (c, &notify_fd, &err) < 0)
    child_report (fd, &r, err);
  r.loaded = true;
  if (notify_fd >= 0 && o->listener_path)
    {
      char state[512];
      snprintf (state, sizeof (state), test_state, (int) getpid ());
      if (seccomp_notify_send (o->listener_path, "the-metadata", notify_fd, state, &err) < 0)
        child_report (fd, &r, err);
      close (notify_fd);
    }
  errno = 0;
  r.ret = probe (arg);
  r.err = errno;
  r.trapped_nr = trapped_nr;
  child_report (fd, &r, NULL);
}

static void
run_child (const oci_seccomp *s, const struct child_opts *o, probe_fn probe, const void *arg, agent_fn agent,
           void *agent_data, struct outcome *out)
{
  int p[2];
  pid_t pid;

  memset (out, 0, sizeof (*out));
  if (pipe2 (p, O_CLOEXEC) < 0)
    abort ();
  fflush (stdout);
  pid = fork ();
  if (pid < 0)
    abort ();
  if (pid == 0)
    {
      close (p[0]);
      child_main (s, o, probe, arg, p[1]);
    }
  close (p[1]);
  if (agent)
    agent (pid, agent_data);
  if (read (p[0], out, sizeof (*out)) != sizeof (*out))
    memset (out, 0, sizeof (*out));
  close (p[0]);
  if (waitpid (pid, &out->status, 0) < 0)
    abort ();
}

static void
run (const oci_seccomp *s, probe_fn probe, const void *arg, struct outcome *out)
{
  static const struct child_opts plain = { 0 };
  run_child (s, &plain, probe, arg, NULL, NULL, out);
}

static long
probe_getppid (const void *arg)
{
  const unsigned long *a = arg;
  return syscall (SYS_getppid, a ? a[0] : 0, a ? a[1] : 0);
}

static long
probe_mkdir (const void *arg)
{
  return syscall (SYS_mkdir, (const char *) arg, 0700);
}

static bool
returned (const struct outcome *o, long ret, int err)
{
  return o->loaded && WIFEXITED (o->status) && o->ret == ret && (ret != -1 || o->err == err);
}

static bool
killed_by_sigsys (const struct outcome *o)
{
  return ! o->reported && WIFSIGNALED (o->status) && WTERMSIG (o->status) == SIGSYS;
}

/* One rule on getppid with ERRNO 77 and the given args, default ALLOW. */
static bool
getppid_blocked (oci_seccomp_arg *args, size_t nargs, unsigned long a0, unsigned long a1)
{
  oci_seccomp_syscall sc = { .names = NAMES ("getppid"), .action = OCI_SCMP_ACT_ERRNO, .has_errno_ret = true,
                             .errno_ret = 77, .args = args, .args_len = nargs };
  oci_seccomp s = { .default_action = OCI_SCMP_ACT_ALLOW, .syscalls = &sc, .syscalls_len = 1 };
  unsigned long a[2] = { a0, a1 };
  struct outcome o;

  run (&s, probe_getppid, a, &o);
  if (returned (&o, -1, 77))
    return true;
  /* The child's parent is this process. */
  if (! returned (&o, getpid (), 0))
    printf ("# unexpected outcome: loaded %d ret %ld errno %d status %#x %s\n", o.loaded, o.ret, o.err, o.status,
            o.msg);
  return false;
}

/* --- actions ------------------------------------------------------------------------ */

static char scratch_dir[] = "/tmp/ocirun-test-seccomp-XXXXXX";

static void
test_errno (void)
{
  cleanup_free char *path = NULL;
  oci_seccomp_syscall sc = { .names = NAMES ("mkdir", "mkdirat"), .action = OCI_SCMP_ACT_ERRNO };
  oci_seccomp s = { .default_action = OCI_SCMP_ACT_ALLOW, .syscalls = &sc, .syscalls_len = 1 };
  struct stat st;
  struct outcome o;

  if (asprintf (&path, "%s/d", scratch_dir) < 0)
    abort ();
  run (&s, probe_mkdir, path, &o);
  ok (returned (&o, -1, EPERM) && stat (path, &st) < 0, "ERRNO without errnoRet: mkdir fails with EPERM (%s)", o.msg);
  sc.has_errno_ret = true;
  sc.errno_ret = 38;
  run (&s, probe_mkdir, path, &o);
  ok (returned (&o, -1, 38) && stat (path, &st) < 0, "ERRNO with errnoRet 38: mkdir fails with ENOSYS");
  sc.action = OCI_SCMP_ACT_LOG;
  run (&s, probe_mkdir, path, &o);
  ok (returned (&o, 0, 0) && stat (path, &st) == 0, "without the ERRNO rule mkdir works");
  rmdir (path);
}

/* Default ERRNO 95: only what the child needs after the load is allowed
 * (ASan calls sigaltstack before a noreturn call). */
static void
test_default_errno (void)
{
  oci_seccomp_syscall sc[] = {
    { .names = NAMES ("write", "exit_group", "exit", "sigaltstack"), .action = OCI_SCMP_ACT_ALLOW },
    { .names = NAMES ("getpid"), .action = OCI_SCMP_ACT_LOG },
  };
  oci_seccomp s = { .default_action = OCI_SCMP_ACT_ERRNO, .has_default_errno_ret = true, .default_errno_ret = 95,
                    .syscalls = sc, .syscalls_len = 2 };
  struct outcome o;

  run (&s, probe_getppid, NULL, &o);
  ok (returned (&o, -1, 95), "defaultAction ERRNO with defaultErrnoRet 95 blocks getppid: %ld/%d %s", o.ret, o.err,
      o.msg);
  sc[1].names = NAMES ("getppid");
  run (&s, probe_getppid, NULL, &o);
  ok (returned (&o, getpid (), 0), "LOG rule under a default ERRNO lets getppid through");
  s.has_default_errno_ret = false;
  sc[1].names = NAMES ("getpid");
  run (&s, probe_getppid, NULL, &o);
  ok (returned (&o, -1, EPERM), "defaultAction ERRNO without defaultErrnoRet means EPERM");
}

static void
test_kill (void)
{
  static const int actions[] = { OCI_SCMP_ACT_KILL, OCI_SCMP_ACT_KILL_PROCESS, OCI_SCMP_ACT_KILL_THREAD };
  static const char *const names[] = { "KILL", "KILL_PROCESS", "KILL_THREAD" };

  for (size_t i = 0; i < 3; i++)
    {
      oci_seccomp_syscall sc = { .names = NAMES ("getppid"), .action = actions[i] };
      oci_seccomp s = { .default_action = OCI_SCMP_ACT_ALLOW, .syscalls = &sc, .syscalls_len = 1 };
      struct outcome o;

      run (&s, probe_getppid, NULL, &o);
      ok (killed_by_sigsys (&o), "SCMP_ACT_%s: the child dies of SIGSYS (status %#x)", names[i], o.status);
    }
}

static void *
thread_getppid (void *arg)
{
  (void) arg;
  syscall (SYS_getppid);
  return NULL;
}

/* getppid in a second thread; the main thread survives unless the whole
 * process is killed. */
static long
probe_thread (const void *arg)
{
  pthread_t t;
  (void) arg;
  if (pthread_create (&t, NULL, thread_getppid, NULL) != 0 || pthread_join (t, NULL) != 0)
    return -1;
  return 7;
}

static void
test_kill_thread_vs_process (void)
{
  oci_seccomp_syscall sc = { .names = NAMES ("getppid"), .action = OCI_SCMP_ACT_KILL_THREAD };
  oci_seccomp s = { .default_action = OCI_SCMP_ACT_ALLOW, .syscalls = &sc, .syscalls_len = 1 };
  struct outcome o;

  run (&s, probe_thread, NULL, &o);
  ok (returned (&o, 7, 0), "KILL_THREAD kills only the calling thread");
  sc.action = OCI_SCMP_ACT_KILL_PROCESS;
  run (&s, probe_thread, NULL, &o);
  ok (killed_by_sigsys (&o), "KILL_PROCESS kills the whole process from another thread");
}

static void
test_trap_trace (void)
{
  oci_seccomp_syscall sc = { .names = NAMES ("getppid"), .action = OCI_SCMP_ACT_TRAP };
  oci_seccomp s = { .default_action = OCI_SCMP_ACT_ALLOW, .syscalls = &sc, .syscalls_len = 1 };
  struct outcome o;

  run (&s, probe_getppid, NULL, &o);
  ok (o.loaded && o.trapped_nr == SYS_getppid && WIFEXITED (o.status),
      "TRAP delivers SIGSYS (SYS_SECCOMP, si_syscall getppid) and the process goes on: %d", o.trapped_nr);
  /* Without a tracer the kernel fails a TRACE'd syscall with ENOSYS. */
  sc.action = OCI_SCMP_ACT_TRACE;
  run (&s, probe_getppid, NULL, &o);
  ok (returned (&o, -1, ENOSYS) && o.trapped_nr == -1, "TRACE without a tracer: ENOSYS");
}

/* --- arguments -------------------------------------------------------------------------- */

static void
test_operators (void)
{
  static const struct
  {
    int op;
    const char *name;
    uint64_t value, value_two, match, miss;
  } cases[] = {
    { OCI_SCMP_CMP_EQ, "EQ", 5, 0, 5, 6 },
    { OCI_SCMP_CMP_NE, "NE", 5, 0, 6, 5 },
    { OCI_SCMP_CMP_LT, "LT", 5, 0, 4, 5 },
    { OCI_SCMP_CMP_LE, "LE", 5, 0, 5, 6 },
    { OCI_SCMP_CMP_GT, "GT", 5, 0, 6, 5 },
    { OCI_SCMP_CMP_GE, "GE", 5, 0, 5, 4 },
    { OCI_SCMP_CMP_MASKED_EQ, "MASKED_EQ", 0xf0, 0x20, 0x2f, 0x30 },
    { OCI_SCMP_CMP_EQ, "EQ on the high word", 0x100000005ULL, 0, 0x100000005ULL, 5 },
    { OCI_SCMP_CMP_GT, "GT on the high word", 0x100000000ULL, 0, 0x100000001ULL, 0xffffffffULL },
  };

  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
    {
      oci_seccomp_arg a = { .index = 0, .value = cases[i].value, .value_two = cases[i].value_two,
                            .has_value_two = cases[i].value_two != 0, .op = cases[i].op };
      bool hit = getppid_blocked (&a, 1, cases[i].match, 0);
      bool miss = ! getppid_blocked (&a, 1, cases[i].miss, 0);

      ok (hit && miss, "SCMP_CMP_%s %#llx: %#llx matches, %#llx does not", cases[i].name,
          (unsigned long long) cases[i].value, (unsigned long long) cases[i].match,
          (unsigned long long) cases[i].miss);
    }
}

/* runc: args on different indexes are ANDed in one rule; two args on the
 * same index make separate rules, i.e. are ORed. */
static void
test_arg_combinations (void)
{
  oci_seccomp_arg and_args[] = { { .index = 0, .value = 1, .op = OCI_SCMP_CMP_EQ },
                                 { .index = 1, .value = 2, .op = OCI_SCMP_CMP_EQ } };
  oci_seccomp_arg or_args[] = { { .index = 0, .value = 1, .op = OCI_SCMP_CMP_EQ },
                                { .index = 0, .value = 2, .op = OCI_SCMP_CMP_EQ } };
  oci_seccomp_arg bad = { .index = 6, .value = 1, .op = OCI_SCMP_CMP_EQ };
  oci_seccomp_syscall sc = { .names = NAMES ("getppid"), .action = OCI_SCMP_ACT_ERRNO, .args = &bad, .args_len = 1 };
  oci_seccomp s = { .default_action = OCI_SCMP_ACT_ALLOW, .syscalls = &sc, .syscalls_len = 1 };
  cleanup_error ocirun_error_t err = NULL;
  cleanup_seccomp_compiled struct seccomp_compiled *c = NULL;

  ok (getppid_blocked (and_args, 2, 1, 2) && ! getppid_blocked (and_args, 2, 1, 3)
          && ! getppid_blocked (and_args, 2, 0, 2),
      "args on indexes 0 and 1: both must match (AND)");
  ok (getppid_blocked (or_args, 2, 1, 0) && getppid_blocked (or_args, 2, 2, 0) && ! getppid_blocked (or_args, 2, 3, 0),
      "two args on index 0: either matches (OR)");
  int r = seccomp_filter_build (&s, &c, &err);
  ok (r < 0 && strstr (err->msg, "index 6") && strstr (err->msg, "getppid"), "argument index 6 is an error naming it: %s",
      err ? err->msg : "");
}

/* --- names, architectures, flags ------------------------------------------------------- */

static int
build_error (const oci_seccomp *s, char *msg, size_t size)
{
  cleanup_error ocirun_error_t err = NULL;
  cleanup_seccomp_compiled struct seccomp_compiled *c = NULL;
  int r = seccomp_filter_build (s, &c, &err);

  snprintf (msg, size, "%s", err ? err->msg : "");
  return r;
}

static void
test_names_and_arches (void)
{
  oci_seccomp_syscall sc[] = {
    { .names = NAMES ("no_such_syscall_at_all", "getppid"), .action = OCI_SCMP_ACT_ERRNO, .has_errno_ret = true,
      .errno_ret = 77 },
    { .names = NAMES ("getpid"), .action = OCI_SCMP_ACT_ALLOW },
  };
  oci_seccomp s = { .default_action = OCI_SCMP_ACT_ALLOW,
                    .architectures = NAMES ("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
                    .syscalls = sc, .syscalls_len = 2 };
  struct outcome o;
  char msg[512];

  run (&s, probe_getppid, NULL, &o);
  ok (returned (&o, -1, 77), "an unknown syscall name is skipped, the rest of the rule applies (%s)", o.msg);
  ok (o.loaded, "architectures X86_64, X86, X32 load; a rule with the default action (ALLOW) is skipped");
  s.architectures = NAMES ("SCMP_ARCH_X86_64", "SCMP_ARCH_NOPE");
  ok (build_error (&s, msg, sizeof (msg)) < 0 && strstr (msg, "`SCMP_ARCH_NOPE`"), "unknown arch rejected: %s", msg);
  s.architectures = NAMES ("x86_64");
  ok (build_error (&s, msg, sizeof (msg)) < 0 && strstr (msg, "`x86_64`"), "arch without SCMP_ARCH_: %s", msg);
  s.architectures = NAMES ("SCMP_ARCH_AARCH64");
  ok (build_error (&s, msg, sizeof (msg)) == 0, "a foreign architecture (AARCH64) builds");
  sc[0].names = NAMES ("");
  ok (build_error (&s, msg, sizeof (msg)) < 0 && strstr (msg, "empty"), "an empty syscall name: %s", msg);
}

static unsigned int
built_flags (oci_strv flags, bool notify)
{
  oci_seccomp_syscall sc = { .names = NAMES ("getppid"), .action = notify ? OCI_SCMP_ACT_NOTIFY : OCI_SCMP_ACT_ERRNO };
  oci_seccomp s = { .default_action = OCI_SCMP_ACT_ALLOW, .flags = flags, .syscalls = &sc, .syscalls_len = 1,
                    .listener_path = "/run/agent.sock" };
  cleanup_error ocirun_error_t err = NULL;
  cleanup_seccomp_compiled struct seccomp_compiled *c = NULL;

  if (seccomp_filter_build (&s, &c, &err) < 0)
    return ~0U;
  return c->flags;
}

static void
test_flags (void)
{
  oci_strv absent = { 0 };
  oci_strv empty = { .items = (char *[]) { NULL }, .len = 0 };
  oci_seccomp_syscall sc = { .names = NAMES ("mkdir"), .action = OCI_SCMP_ACT_ERRNO };
  oci_seccomp s = { .default_action = OCI_SCMP_ACT_ALLOW, .syscalls = &sc, .syscalls_len = 1,
                    .flags = NAMES ("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                    "SECCOMP_FILTER_FLAG_TSYNC") };
  struct outcome o;
  char msg[512];

  ok (built_flags (absent, false) == SECCOMP_FILTER_FLAG_SPEC_ALLOW, "flags absent: SPEC_ALLOW, as runc");
  ok (built_flags (empty, false) == 0, "flags []: none");
  ok (built_flags (NAMES ("SECCOMP_FILTER_FLAG_LOG"), false) == SECCOMP_FILTER_FLAG_LOG, "LOG: 2");
  ok (built_flags (NAMES ("SECCOMP_FILTER_FLAG_TSYNC"), false) == 0, "TSYNC is accepted and has no effect, as runc");
  ok (built_flags (NAMES ("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"), false) == 0,
      "WAIT_KILLABLE_RECV without a listener is dropped");
  ok (built_flags (NAMES ("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"), true) == 40,
      "WAIT_KILLABLE_RECV with a NOTIFY rule: 40 (with NEW_LISTENER), as runc");
  run (&s, probe_mkdir, "/", &o);
  ok (returned (&o, -1, EPERM), "a filter with LOG|SPEC_ALLOW|TSYNC loads and acts (%s)", o.msg);
  s.flags = NAMES ("SECCOMP_FILTER_FLAG_BOGUS");
  ok (build_error (&s, msg, sizeof (msg)) < 0 && strstr (msg, "`SECCOMP_FILTER_FLAG_BOGUS`"), "unknown flag: %s",
      msg);
  ok (seccomp_flag_supported ("SECCOMP_FILTER_FLAG_LOG") && seccomp_flag_supported ("SECCOMP_FILTER_FLAG_TSYNC")
          && ! seccomp_flag_supported ("SECCOMP_FILTER_FLAG_BOGUS"),
      "seccomp_flag_supported");
  char built[32];
  snprintf (built, sizeof (built), "%d.%d.%d", SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
  ok (strcmp (seccomp_library_version (), built) == 0, "libseccomp version %s (built against %s)",
      seccomp_library_version (), built);
}

/* Loading without no_new_privs needs CAP_SYS_ADMIN: the order the
 * header prescribes. */
static void
test_privileges (void)
{
  oci_seccomp_syscall sc = { .names = NAMES ("mkdir"), .action = OCI_SCMP_ACT_ERRNO, .has_errno_ret = true,
                             .errno_ret = 77 };
  oci_seccomp s = { .default_action = OCI_SCMP_ACT_ALLOW, .syscalls = &sc, .syscalls_len = 1 };
  struct child_opts nobody_nnp = { .no_new_privs = true, .uid = 65534 };
  struct child_opts nobody = { .uid = 65534 };
  struct outcome o;

  run_child (&s, &nobody_nnp, probe_mkdir, "/", NULL, NULL, &o);
  ok (returned (&o, -1, 77), "with no_new_privs an unprivileged process loads the filter (%s)", o.msg);
  run_child (&s, &nobody, probe_mkdir, "/", NULL, NULL, &o);
  ok (o.built && ! o.loaded && strstr (o.msg, "CAP_SYS_ADMIN") && strstr (o.msg, "Permission denied"),
      "without no_new_privs and CAP_SYS_ADMIN the load fails: %s", o.msg);
}

/* --- NOTIFY ------------------------------------------------------------------------------- */

struct agent
{
  int listen_fd;
  char doc[4096];
  bool doc_ok;
  bool answered;
};

static bool
wait_readable (int fd)
{
  struct pollfd p = { .fd = fd, .events = POLLIN };
  return poll (&p, 1, 10000) == 1;
}

static int
recv_doc_and_fd (int conn, char *buf, size_t size, int *fd)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { .iov_base = buf, .iov_len = size - 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                        .msg_controllen = sizeof (control.buf) };
  struct cmsghdr *cmsg;
  ssize_t n = recvmsg (conn, &msg, MSG_CMSG_CLOEXEC);

  if (n <= 0)
    return -1;
  buf[n] = '\0';
  cmsg = CMSG_FIRSTHDR (&msg);
  if (cmsg == NULL || cmsg->cmsg_type != SCM_RIGHTS)
    return -1;
  memcpy (fd, CMSG_DATA (cmsg), sizeof (int));
  return 0;
}

/* Answer one getppid(42) with 1234. */
static bool
answer_notification (int fd)
{
  struct seccomp_notif *req = NULL;
  struct seccomp_notif_resp *resp = NULL;
  bool done = false;

  if (! wait_readable (fd) || seccomp_notify_alloc (&req, &resp) < 0)
    return false;
  if (seccomp_notify_receive (fd, req) == 0 && req->data.nr == SYS_getppid && req->data.args[0] == 42)
    {
      resp->id = req->id;
      resp->val = 1234;
      resp->error = 0;
      resp->flags = 0;
      done = seccomp_notify_respond (fd, resp) == 0;
    }
  seccomp_notify_free (req, resp);
  return done;
}

static void
notify_agent (pid_t child, void *data)
{
  struct agent *a = data;
  char expected[1024], state[512];
  cleanup_close int conn = -1;
  cleanup_close int fd = -1;

  if (! wait_readable (a->listen_fd))
    return;
  conn = accept4 (a->listen_fd, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0 || recv_doc_and_fd (conn, a->doc, sizeof (a->doc), &fd) < 0)
    return;
  snprintf (state, sizeof (state), test_state, (int) child);
  snprintf (expected, sizeof (expected),
            "{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":%d,\"metadata\":\"the-metadata\",\"state\":%s}",
            OCI_SPEC_VERSION, (int) child, state);
  a->doc_ok = strcmp (a->doc, expected) == 0;
  if (! a->doc_ok)
    printf ("# got      %s\n# expected %s\n", a->doc, expected);
  a->answered = answer_notification (fd);
}

static int
listen_unix (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  snprintf (addr.sun_path, sizeof (addr.sun_path), "%s", path);
  if (fd < 0 || bind (fd, (struct sockaddr *) &addr, sizeof (addr)) < 0 || listen (fd, 1) < 0)
    abort ();
  return fd;
}

static void
test_notify (oci_strv flags, const char *what)
{
  unsigned long args[2] = { 42, 0 };
  oci_seccomp_syscall sc = { .names = NAMES ("getppid"), .action = OCI_SCMP_ACT_NOTIFY };
  oci_seccomp s = { .default_action = OCI_SCMP_ACT_ALLOW, .flags = flags, .syscalls = &sc, .syscalls_len = 1 };
  cleanup_free char *path = NULL;
  struct agent a = { 0 };
  struct child_opts opts = { 0 };
  struct outcome o;

  if (asprintf (&path, "%s/agent.sock", scratch_dir) < 0)
    abort ();
  a.listen_fd = listen_unix (path);
  opts.listener_path = s.listener_path = path;
  run_child (&s, &opts, probe_getppid, args, notify_agent, &a, &o);
  close (a.listen_fd);
  unlink (path);
  ok (a.doc_ok, "%s: the agent gets the container process state and the listener fd", what);
  ok (a.answered && returned (&o, 1234, 0), "%s: the agent answers getppid(42) with 1234, the child sees %ld (%s)",
      what, o.ret, o.msg);
}

static void
test_notify_refused (void)
{
  oci_seccomp_syscall sc = { .names = NAMES ("read", "write"), .action = OCI_SCMP_ACT_NOTIFY };
  oci_seccomp s = { .default_action = OCI_SCMP_ACT_ALLOW, .syscalls = &sc, .syscalls_len = 1 };
  char msg[512];

  ok (build_error (&s, msg, sizeof (msg)) < 0 && strstr (msg, "write"), "NOTIFY on write refused: %s", msg);
  sc.names = NAMES ("read");
  ok (build_error (&s, msg, sizeof (msg)) < 0 && strstr (msg, "listenerPath"), "NOTIFY without listenerPath: %s",
      msg);
  s.listener_path = "/run/agent.sock";
  ok (build_error (&s, msg, sizeof (msg)) == 0, "NOTIFY on read with a listenerPath builds");
  s.default_action = OCI_SCMP_ACT_NOTIFY;
  s.syscalls_len = 0;
  ok (build_error (&s, msg, sizeof (msg)) < 0 && strstr (msg, "default action"), "NOTIFY as default refused: %s",
      msg);
}

static void
test_notify_send_errors (void)
{
  cleanup_error ocirun_error_t err = NULL;
  cleanup_error ocirun_error_t err2 = NULL;
  cleanup_error ocirun_error_t err3 = NULL;

  ok (seccomp_notify_send ("/nonexistent/agent.sock", NULL, 0, "{\"pid\":1}", &err) < 0
          && strstr (err->msg, "/nonexistent/agent.sock") && err->errnum == ENOENT,
      "an absent agent socket is an error naming it");
  int r = seccomp_notify_send ("/nonexistent/agent.sock", NULL, 0, "{\"id\":\"x\"}", &err2);
  ok (r < 0 && strstr (err2->msg, "pid"), "a state without pid is refused: %s", err2 ? err2->msg : "");
  ok (seccomp_notify_send ("", NULL, 0, "{\"pid\":1}", &err3) < 0 && strstr (err3->msg, "listenerPath"),
      "NOTIFY without listenerPath is refused");
}

/* --- cache ------------------------------------------------------------------------------------ */

static int
count_entries (const char *dir)
{
  cleanup_dir DIR *d = opendir (dir);
  struct dirent *e;
  int n = 0;

  while (d && (e = readdir (d)))
    n += strstr (e->d_name, ".bpf") != NULL;
  return d ? n : -1;
}

static char *
only_entry (const char *dir)
{
  cleanup_dir DIR *d = opendir (dir);
  struct dirent *e;
  char *path = NULL;

  while (d && (e = readdir (d)))
    if (strstr (e->d_name, ".bpf") && asprintf (&path, "%s/%s", dir, e->d_name) < 0)
      abort ();
  return path;
}

static bool
same_bpf (const struct seccomp_compiled *a, const struct seccomp_compiled *b)
{
  return a->len == b->len && memcmp (a->insns, b->insns, a->len * sizeof (*a->insns)) == 0;
}

/* Replace the BPF of a cache entry, keeping its header and key: a build
 * that returns the planted program proves it read the cache. */
static void
plant_bpf (const char *path, const struct seccomp_compiled *c)
{
  struct
  {
    char magic[8];
    uint64_t key_len, bpf_len;
  } h;
  FILE *f = fopen (path, "r+");

  if (f == NULL || fread (&h, sizeof (h), 1, f) != 1)
    abort ();
  h.bpf_len = c->len * sizeof (*c->insns);
  if (fseek (f, 0, SEEK_SET) < 0 || fwrite (&h, sizeof (h), 1, f) != 1
      || fseek (f, (long) (sizeof (h) + h.key_len), SEEK_SET) < 0 || fwrite (c->insns, h.bpf_len, 1, f) != 1
      || ftruncate (fileno (f), (off_t) (sizeof (h) + h.key_len + h.bpf_len)) < 0 || fclose (f) != 0)
    abort ();
}

static void
test_cache (void)
{
  oci_seccomp_syscall sc = { .names = NAMES ("mkdir"), .action = OCI_SCMP_ACT_ERRNO };
  oci_seccomp s = { .default_action = OCI_SCMP_ACT_ALLOW, .syscalls = &sc, .syscalls_len = 1 };
  oci_seccomp_syscall other_sc = { .names = NAMES ("rmdir"), .action = OCI_SCMP_ACT_ERRNO };
  oci_seccomp other = { .default_action = OCI_SCMP_ACT_ALLOW, .syscalls = &other_sc, .syscalls_len = 1 };
  cleanup_seccomp_compiled struct seccomp_compiled *direct = NULL, *first = NULL, *second = NULL, *o_direct = NULL;
  cleanup_seccomp_compiled struct seccomp_compiled *planted = NULL, *repaired = NULL;
  cleanup_error ocirun_error_t err = NULL;
  cleanup_free char *dir = NULL, *entry = NULL;
  struct child_opts opts = { 0 };
  struct outcome o;

  if (asprintf (&dir, "%s/cache", scratch_dir) < 0)
    abort ();
  if (seccomp_filter_build (&s, &direct, &err) < 0 || seccomp_filter_build (&other, &o_direct, &err) < 0
      || seccomp_filter_build_cached (&s, dir, &first, &err) < 0)
    abort ();
  ok (same_bpf (direct, first) && count_entries (dir) == 1 && first->flags == direct->flags,
      "first cached build compiles and stores one entry");
  entry = only_entry (dir);
  plant_bpf (entry, o_direct);
  if (seccomp_filter_build_cached (&s, dir, &planted, &err) < 0)
    abort ();
  ok (same_bpf (planted, o_direct), "a second build reads the entry instead of compiling");
  if (truncate (entry, 20) < 0 || seccomp_filter_build_cached (&s, dir, &repaired, &err) < 0)
    abort ();
  ok (same_bpf (repaired, direct), "a damaged entry is ignored and recompiled");
  if (seccomp_filter_build_cached (&s, dir, &second, &err) < 0)
    abort ();
  ok (same_bpf (second, direct), "... and rewritten");
  seccomp_compiled_free (steal_pointer (&second));
  if (seccomp_filter_build_cached (&other, dir, &second, &err) < 0)
    abort ();
  ok (same_bpf (second, o_direct) && count_entries (dir) == 2, "another profile gets its own entry");
  opts.cache_dir = dir;
  run_child (&s, &opts, probe_mkdir, "/", NULL, NULL, &o);
  ok (returned (&o, -1, EPERM), "a filter from the cache loads and acts");
}

/* --- the -ENOSYS stub --------------------------------------------------------------------------- */

static long
probe_raw (const void *arg)
{
  return syscall (*(const long *) arg, -1L, 0L, 0L, 0L);
}

static void
test_enosys_stub (void)
{
  /* Largest syscall named: x86_64 exit_group (231); x32 sigaltstack
   * (525 | X32 bit: x32 has its own numbers for compat syscalls). */
  oci_seccomp_syscall sc[] = {
    { .names = NAMES ("write", "exit_group", "exit", "sigaltstack", "getppid"), .action = OCI_SCMP_ACT_ALLOW },
  };
  oci_seccomp s = { .default_action = OCI_SCMP_ACT_ERRNO, .syscalls = sc, .syscalls_len = 1 };
  long newer = 232, older = 200, x32_newer = 0x40000000L | 600;
  /* above x86_64's maximum, below x32's */
  long x32_known = 0x40000000L | 300;
  struct outcome o;

  run (&s, probe_raw, &newer, &o);
  ok (returned (&o, -1, ENOSYS), "a syscall newer than the profile gets ENOSYS, not the default EPERM (%ld/%d)", o.ret,
      o.err);
  run (&s, probe_raw, &older, &o);
  ok (returned (&o, -1, EPERM), "an older syscall missing from the profile gets the default action");
  s.has_default_errno_ret = true;
  s.default_errno_ret = ENOSYS;
  run (&s, probe_raw, &older, &o);
  ok (returned (&o, -1, ENOSYS), "defaultErrnoRet ENOSYS: no stub needed, default applies");
  s.has_default_errno_ret = false;
  s.architectures = NAMES ("SCMP_ARCH_X86_64", "SCMP_ARCH_X32");
  run (&s, probe_raw, &x32_newer, &o);
  ok (returned (&o, -1, ENOSYS), "x32: a syscall above the x32 maximum gets ENOSYS (%ld/%d)", o.ret, o.err);
  run (&s, probe_raw, &x32_known, &o);
  ok (returned (&o, -1, EPERM), "x32: an unlisted syscall below the maximum gets the default action (%ld/%d)", o.ret,
      o.err);
  run (&s, probe_raw, &newer, &o);
  ok (returned (&o, -1, ENOSYS), "x86_64 next to x32 keeps its own maximum");
}

/* --- podman's default profile ------------------------------------------------------------------ */

#define PODMAN_PROFILE "/usr/share/containers/seccomp.json"

/* containers' own format converted to OCI (amd64, capabilities caps) by
 * tests/helpers/containers-seccomp-to-oci.py, wrapped in a config. */
static oci_config *
podman_config (const char *caps)
{
  const char *top = getenv ("TOP_SRCDIR");
  cleanup_free char *cmd = NULL, *doc = NULL;
  cleanup_error ocirun_error_t err = NULL;
  char buf[65536];
  oci_config *config = NULL;
  size_t n;
  FILE *p;

  if (asprintf (&cmd, "python3 %s/tests/helpers/containers-seccomp-to-oci.py --caps %s %s", top ? top : ".", caps,
                PODMAN_PROFILE)
      < 0)
    abort ();
  p = popen (cmd, "r");
  if (p == NULL)
    return NULL;
  n = fread (buf, 1, sizeof (buf) - 1, p);
  buf[n] = '\0';
  if (pclose (p) != 0 || n == 0)
    return NULL;
  if (asprintf (&doc, "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"sh\"],"
                      "\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},\"linux\":{\"seccomp\":%s}}", buf) < 0)
    abort ();
  if (oci_config_parse_data ("podman-seccomp.json", doc, strlen (doc), &config, &err) < 0)
    printf ("# %s\n", err->msg);
  return config;
}

static long
probe_exec_true (const void *arg)
{
  (void) arg;
  execl ("/bin/busybox", "busybox", "true", (char *) NULL);
  return -1;
}

static long
probe_vmsplice (const void *arg)
{
  (void) arg;
  return syscall (SYS_vmsplice, -1, NULL, 0, 0);
}

static long
probe_netlink_socket (const void *arg)
{
  long fd = syscall (SYS_socket, 16 /* AF_NETLINK */, 3 /* SOCK_RAW */, *(const long *) arg);
  if (fd >= 0)
    close ((int) fd);
  return fd < 0 ? fd : 0;
}

/* Podman's default capability set: the profile then keeps its
 * capability-gated rules, socket's two-argument (AND) rule among them. */
static void
test_podman_default_caps (void)
{
  static const char caps[] = "CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FOWNER,CAP_FSETID,CAP_KILL,CAP_NET_BIND_SERVICE,"
                             "CAP_SETFCAP,CAP_SETGID,CAP_SETPCAP,CAP_SETUID,CAP_SYS_CHROOT";
  cleanup_oci_config oci_config *config = podman_config (caps);
  const oci_seccomp *s = config && config->linux ? config->linux->seccomp : NULL;
  long audit = 9, route = 0;
  struct outcome o;

  if (! ok (s != NULL, "podman's profile for its default capabilities parses"))
    return;
  run (s, probe_exec_true, NULL, &o);
  ok (! o.reported && WIFEXITED (o.status) && WEXITSTATUS (o.status) == 0, "busybox true runs under it");
  run (s, probe_netlink_socket, &audit, &o);
  ok (returned (&o, -1, EINVAL), "socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT) gets EINVAL (%ld/%d)", o.ret, o.err);
  run (s, probe_netlink_socket, &route, &o);
  ok (returned (&o, 0, 0), "socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE) is allowed (%ld/%d)", o.ret, o.err);
}

static double
build_us (const oci_seccomp *s, const char *cache_dir)
{
  cleanup_seccomp_compiled struct seccomp_compiled *c = NULL;
  cleanup_error ocirun_error_t err = NULL;
  struct timespec a, b;

  clock_gettime (CLOCK_MONOTONIC, &a);
  if (seccomp_filter_build_cached (s, cache_dir, &c, &err) < 0)
    return -1;
  clock_gettime (CLOCK_MONOTONIC, &b);
  return (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3;
}

static void
test_podman_profile (void)
{
  cleanup_oci_config oci_config *config = NULL;
  cleanup_free char *dir = NULL;
  const oci_seccomp *s;
  struct outcome o;

  if (access (PODMAN_PROFILE, R_OK) < 0 || access ("/bin/busybox", X_OK) < 0)
    {
      skip (8, "needs " PODMAN_PROFILE " (golang-github-containers-common) and busybox-static");
      return;
    }
  config = podman_config ("all");
  s = config && config->linux ? config->linux->seccomp : NULL;
  if (! ok (s != NULL && s->syscalls_len > 10, "podman's profile converts to OCI and parses"))
    return;
  run (s, probe_exec_true, NULL, &o);
  ok (! o.reported && WIFEXITED (o.status) && WEXITSTATUS (o.status) == 0,
      "under podman's profile /bin/busybox true runs (status %#x, %s)", o.status, o.msg);
  run (s, probe_vmsplice, NULL, &o);
  ok (returned (&o, -1, EPERM), "podman's profile blocks vmsplice with EPERM (%ld/%d)", o.ret, o.err);
  if (asprintf (&dir, "%s/podman-cache", scratch_dir) < 0)
    abort ();
  double cold = build_us (s, NULL), fill = build_us (s, dir), hit = build_us (s, dir);
  ok (cold > 0 && fill > 0 && hit > 0 && hit < cold, "cache: compile %.0f us, cached %.0f us", cold, hit);
  test_podman_default_caps ();
}

static void
remove_scratch (void)
{
  cleanup_free char *cmd = NULL;
  if (asprintf (&cmd, "rm -rf '%s'", scratch_dir) < 0 || system (cmd) != 0)
    fprintf (stderr, "cannot remove %s\n", scratch_dir);
}

int
main (void)
{
  if (mkdtemp (scratch_dir) == NULL)
    {
      perror ("mkdtemp");
      return 1;
    }
  atexit (remove_scratch);
  test_errno ();
  test_default_errno ();
  test_kill ();
  test_kill_thread_vs_process ();
  test_trap_trace ();
  test_operators ();
  test_arg_combinations ();
  test_names_and_arches ();
  test_flags ();
  test_privileges ();
  test_notify ((oci_strv) { 0 }, "NOTIFY");
  test_notify (NAMES ("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"), "NOTIFY with WAIT_KILLABLE_RECV");
  test_notify_refused ();
  test_notify_send_errors ();
  test_cache ();
  test_enosys_stub ();
  test_podman_profile ();
  return tap_done ();
}
