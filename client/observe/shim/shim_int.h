/*
 * shim_int.h - what the two halves of liblingerlab-shim.so share: the
 * real calls (found once, by the constructor), the shim's own descriptor,
 * and the record builder (shim_rec.c). Everything here is hidden from the
 * program (the library is built with hidden visibility); only the
 * wrappers, marked SHIM_EXPORT, are seen.
 */
#ifndef LINGERLAB_SHIM_INT_H
#define LINGERLAB_SHIM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define REC_MAX 480

/* Exported only for the loader: the wrappers need external linkage. */
#define SHIM_EXPORT __attribute__((visibility("default")))

struct real_calls {
	int (*socket)(int, int, int);
	int (*connect)(int, const struct sockaddr *, socklen_t);
	int (*accept)(int, struct sockaddr *, socklen_t *);
	int (*accept4)(int, struct sockaddr *, socklen_t *, int);
	int (*setsockopt)(int, int, int, const void *, socklen_t);
	int (*shutdown)(int, int);
	int (*close)(int);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*close_range)(unsigned, unsigned, int);
	void (*closefrom)(int);
	void (*exit)(int) __attribute__((noreturn));
	void (*u_exit)(int) __attribute__((noreturn));
	void (*u_Exit)(int) __attribute__((noreturn));
};

/*
 * The only state (lingerlab_shim.c): filled once by the constructor,
 * before the program's main() runs; read-only after that except out_fd,
 * which becomes -1 (and stays so) if the program takes its number with
 * dup2() or closes everything, and exit_sent, set once.
 */
extern struct real_calls shim_real;
extern volatile int shim_out_fd;
extern volatile int shim_exit_sent;

/* A record being built on the stack. */
struct rec {
	char b[REC_MAX];
	size_t n;
};

/* shim_rec.c: every one async-signal-safe, and errno is kept. */
void kv(struct rec *r, const char *k, int64_t v);
uint64_t now_ns(void);
/* "pid= tid= call= fd=" */
void rec_start(struct rec *r, const char *call, int fd);
/* " t0= t1= ret= err=" */
void rec_result(struct rec *r, uint64_t t0, uint64_t t1, int64_t ret, int err);
/* One datagram to the observer. */
void rec_send(struct rec *r);
bool is_tcp(int fd);
/* " fam= lport= rport= la= ra=": the socket's two ends */
void kv_ports(struct rec *r, int fd);
/* The same; a connect() in progress names its peer by to (or NULL). */
void kv_ends(struct rec *r, int fd, const struct sockaddr *to, socklen_t tolen);
/* " lon= lsec= nb= st=": what close() will meet */
void kv_close_state(struct rec *r, int fd);
/* " fds= thr= rss=": what the process holds, measured from inside */
void kv_holdings(struct rec *r);
/* The exit record and one per TCP socket still open; once per process. */
void report_open_at_exit(int status);

#endif
