/*
 * faults_proc.c - what test_faults.c needs around a running lingerlab
 * (faults_proc.h): run it with its output in pipes, wait for a line of it,
 * find what it started under /proc, and check that nothing of it is left.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "faults_proc.h"
#include "monotime.h"

#define EVENT_TIMEOUT_MS 60000	/* for a step to show up under load */
#define RUN_TIMEOUT_MS	 120000 /* for lingerlab to end after the fault */
#define GONE_TIMEOUT_MS	 10000	/* for its namespaces to lose their last user */

/* The process group last started, for fx_cleanup(). */
static pid_t last_group;

void
fx_cleanup(void)
{
	if (last_group > 0)
		(void)kill(-last_group, SIGKILL); /* ESRCH when it is gone */
	last_group = 0;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

void
fx_start(struct itest_proc *p, char *const argv[])
{
	/* A process group of its own, as a shell runs a job. */
	struct itest_proc_opts opts = { .own_group = true };

	itest_proc_start(p, argv, &opts);
	last_group = p->pid;
}

/* The event a test waits for: text in lingerlab's output. */
void
fx_wait_for(struct itest_proc *p, const char *text)
{
	if (itest_proc_read_until(p, text, EVENT_TIMEOUT_MS))
		return;
	/* Nothing may outlive a failed test either: its sandboxes die with
	 * the processes (the subreaper reaps what is reparented later). */
	itest_proc_kill(p, SIGKILL);
	while (waitpid(p->pid, NULL, 0) == -1 && errno == EINTR)
		;
	fail_msg("no '%s' from lingerlab in %d ms\nstdout:\n%s\n"
		 "stderr:\n%s",
	    text, EVENT_TIMEOUT_MS, p->out, p->err);
}

/* Its whole output and its exit; killed (and failed) if it hangs. */
void
fx_finish(struct itest_proc *p)
{
	itest_proc_finish(p, RUN_TIMEOUT_MS);
}

void
fx_expect_status(const struct itest_proc *p, int want)
{
	itest_proc_skip_if_unavailable(p);
	itest_proc_expect_status(p, want);
}

/* --- what lingerlab started: processes and namespaces ------------------ */

static pid_t
parent_of(pid_t pid)
{
	char path[64], buf[512], *rp;
	int ppid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), f) != NULL &&
	    (rp = strrchr(buf, ')')) != NULL)
		(void)sscanf(rp + 2, "%*c %d", &ppid);
	fclose(f);
	return (pid_t)ppid;
}

static bool
descends_from(pid_t pid, pid_t root)
{
	int depth;

	for (depth = 0; pid > 1 && depth < 64; depth++) {
		if (pid == root)
			return true;
		pid = parent_of(pid);
	}
	return false;
}

static bool
is_named(pid_t pid, const char *comm)
{
	char path[64], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return strcmp(buf, comm) == 0;
}

/* Call fn for every process below root (root itself excluded). */
void
fx_each_descendant(pid_t root, void (*fn)(pid_t, void *), void *arg)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t pid;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		pid = (pid_t)atoi(e->d_name);
		if (pid > 0 && pid != root && descends_from(pid, root))
			fn(pid, arg);
	}
	closedir(d);
}

struct found {
	const char *comm;
	pid_t pid;
};

static void
match_comm(pid_t pid, void *arg)
{
	struct found *f = arg;

	if (f->pid == 0 && is_named(pid, f->comm))
		f->pid = pid;
}

pid_t
fx_find_descendant(pid_t root, const char *comm)
{
	struct found f = { comm, 0 };

	fx_each_descendant(root, match_comm, &f);
	return f.pid;
}

struct found_peer {
	char port[16]; /* "--port" NUL PORT NUL, as in the command line */
	size_t len;
	pid_t pid;
};

/* Does the NUL-separated command line of pid hold the port's words? */
static bool
has_words(pid_t pid, const char *words, size_t len)
{
	char path[64], buf[4096];
	size_t n, i;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	for (i = 0; i + len <= n; i++)
		if ((i == 0 || buf[i - 1] == '\0') &&
		    memcmp(buf + i, words, len) == 0)
			return true;
	return false;
}

static void
match_peer(pid_t pid, void *arg)
{
	struct found_peer *f = arg;

	if (f->pid == 0 && is_named(pid, "lingerpeer") &&
	    has_words(pid, f->port, f->len))
		f->pid = pid;
}

pid_t
fx_find_peer_on(pid_t root, unsigned port)
{
	struct found_peer f = { .pid = 0 };
	int n;

	n = snprintf(f.port, sizeof(f.port), "--port%c%u", '\0', port);
	f.len = (size_t)n + 1;
	fx_each_descendant(root, match_peer, &f);
	return f.pid;
}

static unsigned long
ns_ino(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (unsigned long)st.st_ino : 0;
}

/* The namespaces a descendant is in that this test is not in. */
void
fx_add_ns(pid_t pid, void *arg)
{
	static const char *kinds[] = { "net", "pid_for_children", "user",
		"mnt" };
	struct nsset *s = arg;
	char path[96], mine[96];
	unsigned long ino;
	size_t k, i;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid,
		    kinds[k]);
		snprintf(mine, sizeof(mine), "/proc/self/ns/%s", kinds[k]);
		ino = ns_ino(path);
		if (ino == 0 || ino == ns_ino(mine))
			continue;
		for (i = 0; i < s->n && s->ino[i] != ino; i++)
			;
		if (i < s->n || s->n == FX_MAX_NS)
			continue;
		/* Held open, the namespace lives on and its number cannot go
		 * to another one (another test's sandbox) meanwhile. */
		if ((s->fd[s->n] = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			continue; /* it went while we looked */
		s->ino[s->n++] = ino;
	}
}

void
fx_ns_release(struct nsset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		close(s->fd[i]);
	s->n = 0;
}

/* Does the link at path ("/proc/N/ns/net", "/proc/N/fd/5") name one? */
static bool
names_one(const char *path, const struct nsset *s)
{
	char buf[128], *b;
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	unsigned long ino;
	size_t i;

	if (n <= 0)
		return false;
	buf[n] = '\0';
	/* Only namespace links: a socket's inode number is another space. */
	if (strncmp(buf, "net:", 4) != 0 && strncmp(buf, "pid:", 4) != 0 &&
	    strncmp(buf, "user:", 5) != 0 && strncmp(buf, "mnt:", 4) != 0)
		return false;
	if ((b = strchr(buf, '[')) == NULL || sscanf(b, "[%lu]", &ino) != 1)
		return false;
	for (i = 0; i < s->n; i++)
		if (s->ino[i] == ino)
			return true;
	return false;
}

/* A process, or an open descriptor, that still names one of s. */
/* Does process pid (a /proc entry) name one of s, in ns/ or fd/? */
static bool
process_uses(const char *pid, const struct nsset *s, char *who, size_t len)
{
	static const char *kinds[] = { "net", "pid", "pid_for_children", "user",
		"mnt" };
	struct dirent *fe;
	char path[600];
	bool used = false;
	size_t k;
	DIR *fds;

	for (k = 0; !used && k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		snprintf(path, sizeof(path), "/proc/%s/ns/%s", pid, kinds[k]);
		used = names_one(path, s);
	}
	snprintf(who, len, "%s", path);
	if (used)
		return true;
	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	if ((fds = opendir(path)) == NULL)
		return false; /* gone meanwhile, or not ours to read */
	while (!used && (fe = readdir(fds)) != NULL) {
		snprintf(path, sizeof(path), "/proc/%s/fd/%s", pid, fe->d_name);
		used = names_one(path, s);
	}
	closedir(fds);
	snprintf(who, len, "%s", path);
	return used;
}

/* A process, or an open descriptor, other than ours, naming one of s. */
static bool
ns_still_used(const struct nsset *s, char *who, size_t len)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool used = false;

	assert_non_null(d);
	while (!used && (e = readdir(d)) != NULL) {
		if (atoi(e->d_name) <= 0 || atoi(e->d_name) == (int)getpid())
			continue; /* we hold them open on purpose */
		used = process_uses(e->d_name, s, who, len);
	}
	closedir(d);
	return used;
}

bool
fx_ns_in_use(const struct nsset *ns)
{
	char who[600];

	return ns_still_used(ns, who, sizeof(who));
}

/* Named network namespaces: the sandbox must never make one. */
int
fx_count_netns(void)
{
	DIR *d = opendir("/run/netns");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/*
 * Nothing lingerlab started is left: no process (as subreaper we would
 * have inherited it; what is still exiting gets a moment, bounded by an
 * alarm), no namespace that a process or descriptor names, no sandbox link
 * here, nothing new in /run/netns.
 */
void
fx_expect_nothing_left(struct nsset *ns, int netns_before)
{
	int64_t until = monotime_ms() + GONE_TIMEOUT_MS;
	char who[600] = "";

	if (!itest_reap_all(GONE_TIMEOUT_MS / 1000))
		fail_msg("a process lingerlab started was still running %d ms "
			 "after it ended",
		    GONE_TIMEOUT_MS);
	/* Reaped means gone, but a namespace's last user may be a zombie
	 * of someone else's: poll /proc, which has no notification. */
	while (ns_still_used(ns, who, sizeof(who)) && monotime_ms() < until)
		(void)poll(NULL, 0, 20);
	if (ns_still_used(ns, who, sizeof(who)))
		fail_msg("a namespace of lingerlab's is still in use: %s", who);
	fx_ns_release(ns);
	assert_int_equal(if_nametoindex("llcli0"), 0);
	assert_int_equal(if_nametoindex("llpeer0"), 0);
	if (fx_count_netns() > netns_before)
		fail_msg("a new name in /run/netns (ip netns list)");
}
