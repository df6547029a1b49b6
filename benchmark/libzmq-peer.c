/* Benchmark peer in C over libzmq itself (the 4.3.5 library that pyzmq's wheel ships), the
 * ceiling a binding of libzmq could reach: the counterpart of peer.ts and latency-peer.ts.
 * Modes: "both" (PUSH and PULL in this process, the PULL in a thread), "recv" (bind a PULL,
 * print the endpoint, receive), "send" (connect a PUSH, send, report when told on stdin that the
 * receiver is done), "rep" (bind a REP, print the endpoint, echo until stdin closes) and "req"
 * (time `count` round trips one at a time). BENCH_PATTERN=dealer-router uses DEALER and ROUTER.
 * Prints JSON lines as peer.ts does. Built by benchmark/libzmq.ts; declares the few libzmq
 * functions it calls itself, so no zmq.h is needed. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

void *zmq_ctx_new(void);
int zmq_ctx_term(void *ctx);
void *zmq_socket(void *ctx, int type);
int zmq_close(void *s);
int zmq_bind(void *s, const char *addr);
int zmq_connect(void *s, const char *addr);
int zmq_setsockopt(void *s, int opt, const void *val, size_t len);
int zmq_getsockopt(void *s, int opt, void *val, size_t *len);
int zmq_send(void *s, const void *buf, size_t len, int flags);
int zmq_recv(void *s, void *buf, size_t len, int flags);

enum { PUSH = 8, PULL = 7, DEALER = 5, ROUTER = 6, REQ = 3, REP = 4 };
enum { LAST_ENDPOINT = 32, LINGER = 17, RCVMORE = 13, SNDMORE = 2 };

static char *mode, *address;
static size_t size;
static long count;
static int send_type = PUSH, recv_type = PULL;

static double cpu_us(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 + u.ru_utime.tv_usec + u.ru_stime.tv_usec;
}

static long max_rss_kib(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

static void check(int rc, const char *what) {
  if (rc < 0) {
    perror(what);
    exit(1);
  }
}

/* Receives one whole message (all its frames) into `buf`. */
static void receive_message(void *s, char *buf, size_t cap) {
  int more = 1;
  while (more) {
    check(zmq_recv(s, buf, cap, 0), "zmq_recv");
    size_t len = sizeof more;
    check(zmq_getsockopt(s, RCVMORE, &more, &len), "zmq_getsockopt");
  }
}

struct received {
  void *sock;
  double ns, cpu;
};

static void *receive_all(void *arg) {
  struct received *r = arg;
  char *buf = malloc(size + 64);
  receive_message(r->sock, buf, size + 64);
  double start = now_ns(), cpu = cpu_us();
  for (long i = 1; i < count; i++) receive_message(r->sock, buf, size + 64);
  r->ns = now_ns() - start;
  r->cpu = cpu_us() - cpu;
  free(buf);
  return NULL;
}

static void send_all(void *s) {
  char *buf = malloc(size);
  memset(buf, 7, size);
  for (long i = 0; i < count; i++) check(zmq_send(s, buf, size, 0), "zmq_send");
  free(buf);
}

static void *bind_endpoint(void *ctx, int type, char *endpoint, size_t cap) {
  void *s = zmq_socket(ctx, type);
  check(zmq_bind(s, address), "zmq_bind");
  check(zmq_getsockopt(s, LAST_ENDPOINT, endpoint, &cap), "zmq_getsockopt");
  return s;
}

static void wait_stdin(void) {
  char line[64];
  while (fgets(line, sizeof line, stdin)) {
    if (strchr(line, '\n')) break;
  }
}

static void *echo(void *rep) {
  char buf[64];
  for (;;) {
    int n = zmq_recv(rep, buf, sizeof buf, 0);
    if (n < 0) return NULL;
    check(zmq_send(rep, buf, n > 64 ? 64 : n, 0), "zmq_send");
  }
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void request_loop(void *s) {
  enum { WARMUP = 2000 };
  double *times = malloc(sizeof(double) * count);
  char payload[16], reply[64];
  memset(payload, 7, sizeof payload);
  for (long i = 0; i < WARMUP + count; i++) {
    double start = now_ns();
    check(zmq_send(s, payload, sizeof payload, 0), "zmq_send");
    check(zmq_recv(s, reply, sizeof reply, 0), "zmq_recv");
    if (i >= WARMUP) times[i - WARMUP] = (now_ns() - start) / 1000;
  }
  qsort(times, count, sizeof(double), compare);
  double sum = 0;
  for (long i = 0; i < count; i++) sum += times[i];
  long p99 = (long)(0.99 * count);
  printf("{\"p50\":%f,\"p99\":%f,\"mean\":%f}\n", times[count / 2], times[p99 < count ? p99 : count - 1],
         sum / count);
  free(times);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: libzmq-peer mode address [size count]\n");
    return 2;
  }
  mode = argv[1];
  address = argv[2];
  size = argc > 3 ? strtoul(argv[3], NULL, 10) : 16;
  count = argc > 4 ? strtol(argv[4], NULL, 10) : 0;
  const char *pattern = getenv("BENCH_PATTERN");
  if (pattern && strcmp(pattern, "dealer-router") == 0) send_type = DEALER, recv_type = ROUTER;
  void *ctx = zmq_ctx_new();
  char endpoint[256];
  int zero = 0, forever = -1;
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (strcmp(mode, "both") == 0) {
    struct received r = {bind_endpoint(ctx, recv_type, endpoint, sizeof endpoint), 0, 0};
    void *push = zmq_socket(ctx, send_type);
    check(zmq_connect(push, endpoint), "zmq_connect");
    double cpu = cpu_us(), start = now_ns();
    pthread_t t;
    pthread_create(&t, NULL, receive_all, &r);
    send_all(push);
    pthread_join(t, NULL);
    double ns = now_ns() - start;
    printf("{\"msgsPerSec\":%f,\"cpuUsPerMsg\":%f,\"maxRssKiB\":%ld}\n", count / (ns / 1e9),
           (cpu_us() - cpu) / count, max_rss_kib());
    zmq_setsockopt(push, LINGER, &zero, sizeof zero);
    zmq_close(push);
    zmq_close(r.sock);
  } else if (strcmp(mode, "recv") == 0) {
    struct received r = {bind_endpoint(ctx, recv_type, endpoint, sizeof endpoint), 0, 0};
    printf("{\"endpoint\":\"%s\"}\n", endpoint);
    receive_all(&r);
    printf("{\"msgsPerSec\":%f,\"cpuUs\":%f,\"maxRssKiB\":%ld}\n", (count - 1) / (r.ns / 1e9), r.cpu,
           max_rss_kib());
    zmq_close(r.sock);
  } else if (strcmp(mode, "send") == 0) {
    void *push = zmq_socket(ctx, send_type);
    zmq_setsockopt(push, LINGER, &forever, sizeof forever);
    check(zmq_connect(push, address), "zmq_connect");
    double cpu = cpu_us();
    send_all(push);
    wait_stdin();
    printf("{\"cpuUs\":%f,\"maxRssKiB\":%ld}\n", cpu_us() - cpu, max_rss_kib());
    zmq_close(push);
  } else if (strcmp(mode, "rep") == 0) {
    void *rep = bind_endpoint(ctx, REP, endpoint, sizeof endpoint);
    zmq_setsockopt(rep, LINGER, &zero, sizeof zero);
    printf("{\"endpoint\":\"%s\"}\n", endpoint);
    /* Echo on a thread; the main thread ends the process when stdin closes. */
    pthread_t t;
    pthread_create(&t, NULL, echo, rep);
    wait_stdin();
    fflush(stdout);
    _exit(0);
  } else {
    void *req = zmq_socket(ctx, REQ);
    zmq_setsockopt(req, LINGER, &zero, sizeof zero);
    check(zmq_connect(req, address), "zmq_connect");
    request_loop(req);
    zmq_close(req);
  }
  zmq_ctx_term(ctx);
  return 0;
}
