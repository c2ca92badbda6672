/* `events`: runc's event stream.  {"type":"stats","id":ID,"data":{...}}
 * every interval, {"type":"oom","id":ID} on each OOM of the container's
 * memory cgroup; the stream ends when the container stops. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ocirun/cgroup-resources.h"
#include "ocirun/cleanup.h"
#include "ocirun/container-cgroup.h"

/* The id is validated by state_load: no character needs escaping. */
static int
emit_event (const char *type, const char *id, const char *data, container_event_fn emit, void *opaque,
            ocirun_error_t *err)
{
  cleanup_free char *line = NULL;
  int r;

  if (asprintf (&line, "{\"type\":\"%s\",\"id\":\"%s\"%s%s}", type, id, data ? ",\"data\":" : "", data ? data : "") < 0)
    return ocirun_error (err, ENOMEM, "allocate");
  r = emit (line, opaque);
  if (r != 0)
    return ocirun_error (err, errno, "write the %s event", type);
  return 0;
}

static int
emit_stats (const struct container_state *st, container_event_fn emit, void *opaque, ocirun_error_t *err)
{
  cleanup_free char *data = NULL;

  if (cgroup_stats_json (st->cgroups, &data, err) < 0)
    return -1;
  return emit_event ("stats", st->id, data, emit, opaque, err);
}

static int
wait_event (const struct container_state *st, int oom_fd, uint64_t *oom_count, long interval_ms,
            container_event_fn emit, void *opaque, ocirun_error_t *err)
{
  struct pollfd p = { .fd = oom_fd, .events = POLLIN };
  bool oom;
  int n = poll (&p, 1, (int) interval_ms);

  if (n < 0)
    return errno == EINTR ? 0 : ocirun_error (err, errno, "poll");
  if (n == 0)
    return emit_stats (st, emit, opaque, err);
  if (cgroup_oom_check (st->cgroups, oom_fd, oom_count, &oom, err) < 0)
    return -1;
  return oom ? emit_event ("oom", st->id, NULL, emit, opaque, err) : 0;
}

int
container_events (const char *root, const char *id, bool once, long interval_ms, container_event_fn emit,
                  void *data, ocirun_error_t *err)
{
  cleanup_state struct container_state st = { 0 };
  cleanup_close int oom_fd = -1;
  uint64_t oom_count = 0;

  if (state_load (root, id, &st, err) < 0)
    return -1;
  if (state_status (&st) == STATUS_STOPPED)
    return ocirun_error (err, 0, "container with id %s is not running", id);
  if (once)
    return emit_stats (&st, emit, data, err);
  if (interval_ms <= 0)
    return ocirun_error (err, 0, "duration of %ldms is not greater than 0", interval_ms);
  if (cgroup_oom_watch (st.cgroups, &oom_fd, &oom_count, err) < 0)
    return -1;
  while (state_status (&st) != STATUS_STOPPED)
    if (wait_event (&st, oom_fd, &oom_count, interval_ms, emit, data, err) < 0)
      return -1;
  return 0;
}
