/* fuzz: what the fuzz targets share. Each target is one program built with clang's libFuzzer,
 * AddressSanitizer and UndefinedBehaviorSanitizer (CMake's PLANALOUD_FUZZ, `make fuzz`); libFuzzer
 * calls LLVMFuzzerTestOneInput with each input it makes, and any crash, leak, overflow or
 * undefined behaviour stops it with the input that caused it (docs/fuzzing.md).
 *
 * Every input starts from the same state (a fresh store, a fresh session), so that a crash found
 * is a crash reproduced by running the target on that one file. */
#ifndef PLANALOUD_FUZZ_H
#define PLANALOUD_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry points (declared here for -Wmissing-prototypes). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The source tree's easy-read content, pictures and voices. */
#define FUZZ_EASYREAD PLANALOUD_SOURCE_DIR "/easyread"
#define FUZZ_PICTURES PLANALOUD_SOURCE_DIR "/web/pictures"
#define FUZZ_VOICES   PLANALOUD_SOURCE_DIR "/voices"

/* Stops the target with a message on stderr: a broken set-up is not a finding. */
void fuzz_die(const char *what, const char *detail) __attribute__((noreturn));
/* A new temporary folder for this run (in /dev/shm when there is one: the targets write a file
 * per input), into dir (n bytes); removed with everything in it when the program exits. */
void fuzz_tmpdir(const char *name, char *dir, size_t n);
/* Writes len bytes to path (replacing it). 0, or -1. */
int fuzz_write(const char *path, const void *data, size_t len);
/* The whole file at path, NUL-terminated (free() it), its length into *len; NULL if unreadable. */
char *fuzz_read(const char *path, size_t *len);
/* Copies every regular file of folder `from` into folder `to`. 0, or -1. */
int fuzz_copy_files(const char *from, const char *to);

/* ---- a database every input starts from ---- */
typedef struct store store;
/* Keeps the database file at path (closed) as the one fuzz_db_open copies; its folder is where
 * the copies go. */
void fuzz_db_keep(const char *path);
/* A fresh copy of the kept database, open. Copying a file is much faster than making the schema
 * afresh (SQLite is not built for the fuzzer, so every one of its allocations is slow). */
store *fuzz_db_open(void);
/* Closes the copy and removes it. */
void fuzz_db_close(store *st);

/* What the server sent to a connection must be JSON a browser can read: each message valid UTF-8
 * that parses as one JSON object. Stops the target (abort) when one is not. */
struct fake_conn;
void fuzz_check_sent(const struct fake_conn *fc);

/* Drops the server's log lines (log.h): a fuzz run's output is libFuzzer's. */
void fuzz_quiet(void);

/* The next message of an input holding several, one a line: *msg and *len, and the rest after
 * it. 0 when none is left. Empty lines are skipped. */
int fuzz_next_line(const uint8_t **data, size_t *size, const char **msg, size_t *len);

#endif
