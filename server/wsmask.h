/* wsmask: every frame a client sends must be masked, and a server must close the connection
 * when one is not (RFC 6455, section 5.1). libwebsockets 4.1.6 (Debian 12's) reads the mask bit
 * and does not check it -- 5.0 does -- and tells its user nothing of it. So the server
 * follows the frame headers itself, in the bytes the library receives: recv() is defined in
 * wsmask.c, ahead of the C library's, passes every call straight to the kernel, and for the
 * sockets being watched notes where each frame header is and whether it was masked. Over native
 * TLS the library reads through OpenSSL's SSL_read(), also defined there ahead of OpenSSL's
 * (found with dlsym), which notes the decrypted bytes the same way; a socket read through TLS is
 * no longer noted in recv(), so ciphertext is never taken for frames. No byte is copied or
 * changed.
 *
 * The table is the process's (recv() has no context to carry it), and only the thread that
 * opened it (the server's loop) is followed: another thread's socket is never noted, even when
 * its number is one the loop watched and has closed. */
#ifndef PLANALOUD_WSMASK_H
#define PLANALOUD_WSMASK_H

/* Makes room to watch sockets numbered below max_fd. 0, or -1 when memory runs out (then
 * nothing is watched). wsmask_close() gives it back. */
int wsmask_open(int max_fd);
void wsmask_close(void);
/* A connection was accepted on fd: from now on its bytes are an HTTP request. Whatever was
 * noted of an earlier socket with the same number is forgotten. */
void wsmask_watch(int fd);
/* fd's websocket handshake has been answered: the frames start after the request just read.
 * 0; -1 when the client sent more already (it must wait for the answer first, and those bytes
 * can no longer be checked). */
int wsmask_frames_start(int fd);
/* 1 once a frame on fd came without a mask; else 0 (also for sockets not watched). */
int wsmask_unmasked(int fd);

#endif
