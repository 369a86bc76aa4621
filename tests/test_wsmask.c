/* test_wsmask: following websocket frame headers in the bytes received, to find a client frame
 * without a mask (RFC 6455 5.1), over a socket pair: whole frames, frames cut anywhere, long
 * lengths, what came before the handshake's answer, and bytes another thread receives. */
#include "check.h"
#include "wsmask.h"

#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

static const char request[] = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n";

static int pair[2]; /* [0] the client's end, [1] the server's (watched) */

static void open_pair(void)
{
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
	wsmask_watch(pair[1]);
}

static void close_pair(void)
{
	close(pair[0]);
	close(pair[1]);
}

/* The client sends bytes; the server receives them step bytes at a time (as the library might). */
static void pass(const void *bytes, size_t len, size_t step)
{
	unsigned char in[70000];
	size_t got = 0;

	CHECK(len <= sizeof(in));
	CHECK(write(pair[0], bytes, len) == (ssize_t)len);
	while (got < len) {
		ssize_t n = recv(pair[1], in, step < len - got ? step : len - got, 0);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	CHECK(got == len);
}

/* A frame: masked or not, with a payload of len bytes (of 'a'), into out; its size. */
static size_t frame(unsigned char *out, size_t len, int masked)
{
	size_t n = 0;

	out[n++] = 0x81;
	if (len < 126) {
		out[n++] = (unsigned char)((masked ? 0x80 : 0) | len);
	} else if (len <= 0xffff) {
		out[n++] = (unsigned char)((masked ? 0x80 : 0) | 126);
		out[n++] = (unsigned char)(len >> 8);
		out[n++] = (unsigned char)len;
	} else {
		out[n++] = (unsigned char)((masked ? 0x80 : 0) | 127);
		for (int i = 7; i >= 0; i--)
			out[n++] = (unsigned char)((uint64_t)len >> (8 * i));
	}
	if (masked) {
		memcpy(out + n, "\x01\x02\x03\x04", 4);
		n += 4;
	}
	memset(out + n, 'a', len);
	return n + len;
}

static void masked_frames_of_every_length_should_pass_however_they_are_cut(void)
{
	static const size_t lengths[] = {0, 1, 125, 126, 127, 65535, 65536};
	static const size_t steps[] = {1, 3, 7, 70000};
	static unsigned char f[70020];

	CHECK(wsmask_open(1024) == 0);
	for (size_t s = 0; s < sizeof(steps) / sizeof(*steps); s++) {
		open_pair();
		pass(request, sizeof(request) - 1, steps[s]);
		CHECK(wsmask_frames_start(pair[1]) == 0);
		for (size_t l = 0; l < sizeof(lengths) / sizeof(*lengths); l++) {
			size_t n = frame(f, lengths[l], 1);

			if (steps[s] == 1 && lengths[l] > 200)
				continue; /* a byte at a time is slow for long frames */
			pass(f, n, steps[s]);
			CHECK(!wsmask_unmasked(pair[1]));
		}
		close_pair();
	}
	wsmask_close();
}

static void an_unmasked_frame_should_be_noticed_after_masked_ones(void)
{
	static unsigned char f[70020];
	size_t n;

	CHECK(wsmask_open(1024) == 0);
	open_pair();
	pass(request, sizeof(request) - 1, 5);
	CHECK(wsmask_frames_start(pair[1]) == 0);
	n = frame(f, 65536, 1);
	pass(f, n, 4000);
	CHECK(!wsmask_unmasked(pair[1]));
	n = frame(f, 10, 0);
	pass(f, n, 1);
	CHECK(wsmask_unmasked(pair[1]));
	/* a new socket with the same number starts clean */
	wsmask_watch(pair[1]);
	CHECK(!wsmask_unmasked(pair[1]));
	close_pair();
	wsmask_close();
}

static void bytes_before_the_handshakes_answer_should_be_refused(void)
{
	unsigned char both[256], f[64];
	size_t n = frame(f, 5, 1);

	CHECK(wsmask_open(1024) == 0);
	memcpy(both, request, sizeof(request) - 1);
	memcpy(both + sizeof(request) - 1, f, n);
	open_pair();
	pass(both, sizeof(request) - 1 + n, sizeof(both));
	CHECK(wsmask_frames_start(pair[1]) == -1);
	close_pair();
	/* HTTP requests before the upgrade on the same connection are fine */
	open_pair();
	pass("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27, 10);
	pass(request, sizeof(request) - 1, 10);
	CHECK(wsmask_frames_start(pair[1]) == 0);
	close_pair();
	wsmask_close();
}

static void sockets_not_watched_should_be_left_alone(void)
{
	unsigned char f[64];
	size_t n = frame(f, 5, 0);

	CHECK(wsmask_open(1024) == 0);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
	pass(f, n, 64);
	CHECK(!wsmask_unmasked(pair[1]));
	CHECK(wsmask_frames_start(pair[1]) == 0);
	close_pair();
	wsmask_close();
	CHECK(!wsmask_unmasked(3));
	wsmask_watch(3); /* nothing open: a no-op */
}

static void *receive_elsewhere(void *arg)
{
	unsigned char in[64];

	(void)arg;
	CHECK(recv(pair[1], in, sizeof(in), 0) > 0);
	return NULL;
}

/* Only the thread that opened the table (the server's loop) is followed: another thread's socket
 * may have the number of one the loop watched and closed. */
static void bytes_received_on_another_thread_should_be_left_alone(void)
{
	unsigned char f[64];
	size_t n = frame(f, 5, 0);
	pthread_t t;

	CHECK(wsmask_open(1024) == 0);
	open_pair();
	pass(request, sizeof(request) - 1, 64);
	CHECK(wsmask_frames_start(pair[1]) == 0);
	CHECK(write(pair[0], f, n) == (ssize_t)n);
	CHECK(pthread_create(&t, NULL, receive_elsewhere, NULL) == 0);
	pthread_join(t, NULL);
	CHECK(!wsmask_unmasked(pair[1]));
	/* the same bytes on the loop's own thread are noticed */
	pass(f, n, 64);
	CHECK(wsmask_unmasked(pair[1]));
	close_pair();
	wsmask_close();
}

int main(void)
{
	RUN(masked_frames_of_every_length_should_pass_however_they_are_cut);
	RUN(an_unmasked_frame_should_be_noticed_after_masked_ones);
	RUN(bytes_before_the_handshakes_answer_should_be_refused);
	RUN(sockets_not_watched_should_be_left_alone);
	RUN(bytes_received_on_another_thread_should_be_left_alone);
	return check_report();
}
