/*
 * test_atomicio.c: atomic_write_file, read_file and the full read/write
 * loops.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/atomicio.h"

struct tdir {
	char	dir[64];
	char	path[128];
};

static int
setup(void **state)
{
	struct tdir *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -1;
	strcpy(t->dir, "/tmp/test_atomicio.XXXXXX");
	if (mkdtemp(t->dir) == NULL)
		return -1;
	snprintf(t->path, sizeof(t->path), "%s/state", t->dir);
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct tdir *t = *state;
	struct dirent *de;
	char p[512];
	DIR *d;

	if ((d = opendir(t->dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(p, sizeof(p), "%s/%s", t->dir, de->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(t->dir);
	free(t);
	return 0;
}

/* Number of entries in dir besides . and .. */
static int
count_entries(const char *dir)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_write_read(void **state)
{
	struct tdir *t = *state;
	struct stat st;
	char *buf;
	size_t len;

	assert_int_equal(atomic_write_file(t->path, "hello\n", 6, 0640), 0);
	assert_int_equal(stat(t->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_size, 6);
	assert_int_equal(read_file(t->path, 100, &buf, &len), 0);
	assert_int_equal(len, 6);
	assert_string_equal(buf, "hello\n");
	free(buf);
	assert_int_equal(count_entries(t->dir), 1);
}

static void
test_overwrite(void **state)
{
	struct tdir *t = *state;
	struct stat st1, st2;
	char *buf, big[10000];
	size_t len;

	assert_int_equal(atomic_write_file(t->path, "first version", 13,
	    0600), 0);
	assert_int_equal(stat(t->path, &st1), 0);
	memset(big, 'x', sizeof(big));
	assert_int_equal(atomic_write_file(t->path, big, sizeof(big), 0644),
	    0);
	assert_int_equal(stat(t->path, &st2), 0);
	/* a new inode replaced the old one: no in-place rewrite */
	assert_int_not_equal(st1.st_ino, st2.st_ino);
	assert_int_equal(st2.st_mode & 07777, 0644);
	assert_int_equal(read_file(t->path, sizeof(big), &buf, &len), 0);
	assert_int_equal(len, sizeof(big));
	assert_memory_equal(buf, big, sizeof(big));
	free(buf);

	/* shorter contents leave nothing of the old ones */
	assert_int_equal(atomic_write_file(t->path, "s", 1, 0644), 0);
	assert_int_equal(read_file(t->path, 100, &buf, &len), 0);
	assert_int_equal(len, 1);
	assert_string_equal(buf, "s");
	free(buf);

	/* empty file */
	assert_int_equal(atomic_write_file(t->path, "", 0, 0644), 0);
	assert_int_equal(read_file(t->path, 100, &buf, &len), 0);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);
	assert_int_equal(count_entries(t->dir), 1);
}

static void
test_no_temp_left_on_error(void **state)
{
	struct tdir *t = *state;
	char p[256];

	/* the target is a non-empty directory: rename fails */
	snprintf(p, sizeof(p), "%s/sub", t->dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/sub/f", t->dir);
	assert_int_equal(atomic_write_file(p, "x", 1, 0644), 0);
	snprintf(p, sizeof(p), "%s/sub", t->dir);
	assert_true(atomic_write_file(p, "data", 4, 0644) < 0);
	assert_int_equal(count_entries(t->dir), 1);
	snprintf(p, sizeof(p), "%s/sub/f", t->dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/sub", t->dir);
	rmdir(p);

	/* missing directory */
	snprintf(p, sizeof(p), "%s/nodir/f", t->dir);
	assert_int_equal(atomic_write_file(p, "x", 1, 0644), -ENOENT);
	assert_int_equal(count_entries(t->dir), 0);
	/* a path naming a directory */
	snprintf(p, sizeof(p), "%s/", t->dir);
	assert_int_equal(atomic_write_file(p, "x", 1, 0644), -EISDIR);
	assert_int_equal(count_entries(t->dir), 0);
}

static void
test_relative_path(void **state)
{
	struct tdir *t = *state;
	char cwd[4096], *buf;
	size_t len;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(t->dir), 0);
	assert_int_equal(atomic_write_file("rel", "abc", 3, 0644), 0);
	assert_int_equal(chdir(cwd), 0);
	snprintf(t->path, sizeof(t->path), "%s/rel", t->dir);
	assert_int_equal(read_file(t->path, 3, &buf, &len), 0);
	assert_string_equal(buf, "abc");
	free(buf);
	assert_int_equal(count_entries(t->dir), 1);
}

static void
test_read_max(void **state)
{
	struct tdir *t = *state;
	char *buf = (char *)1;
	size_t len = 7;

	assert_int_equal(atomic_write_file(t->path, "0123456789", 10, 0644), 0);
	/* exactly max is fine, one more byte is not */
	assert_int_equal(read_file(t->path, 10, &buf, &len), 0);
	assert_int_equal(len, 10);
	assert_string_equal(buf, "0123456789");
	free(buf);
	assert_int_equal(read_file(t->path, 9, &buf, &len), -EFBIG);
	assert_null(buf);
	assert_int_equal(read_file(t->path, 0, &buf, NULL), -EFBIG);
	assert_null(buf);
	assert_int_equal(read_file(t->dir, 100, &buf, NULL), -EISDIR);
	assert_null(buf);
	snprintf(t->path, sizeof(t->path), "%s/missing", t->dir);
	assert_int_equal(read_file(t->path, 100, &buf, NULL), -ENOENT);
	assert_null(buf);
}

static void
test_read_max_stream(void **state)
{
	char *buf;
	size_t len;

	(void)state;
	/* procfs says size 0: the limit must hold while reading */
	assert_int_equal(read_file("/proc/self/status", 5, &buf, &len),
	    -EFBIG);
	assert_int_equal(read_file("/proc/self/status", 1 << 20, &buf, &len),
	    0);
	assert_true(len > 5);
	assert_int_equal(strlen(buf), len);
	assert_non_null(strstr(buf, "Name:"));
	free(buf);
}

static void
test_full_io(void **state)
{
	char out[200000], in[sizeof(out)];
	int fds[2], status;
	pid_t pid;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7);
	assert_int_equal(pipe(fds), 0);
	/* more than a pipe holds: the writer must loop over partial writes */
	if ((pid = fork()) == 0) {
		close(fds[0]);
		_exit(write_full(fds[1], out, sizeof(out)) == 0 ? 0 : 1);
	}
	assert_true(pid > 0);
	close(fds[1]);
	assert_int_equal(read_full(fds[0], in, sizeof(in)), 0);
	assert_memory_equal(in, out, sizeof(out));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* the writer is gone: early EOF */
	assert_int_equal(read_full(fds[0], in, 1), -EPIPE);
	close(fds[0]);

	/* write to a closed pipe: -EPIPE (SIGPIPE ignored) */
	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(write_full(fds[1], "x", 1), -EPIPE);
	close(fds[1]);
	assert_int_equal(write_full(-1, "x", 1), -EBADF);
	assert_int_equal(read_full(-1, in, 1), -EBADF);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overwrite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_temp_left_on_error,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_relative_path, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_read_max, setup, teardown),
		cmocka_unit_test(test_read_max_stream),
		cmocka_unit_test(test_full_io),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
