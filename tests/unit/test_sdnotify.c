/*
 * test_sdnotify.c: the service manager's notify protocol (common/sdnotify.c)
 * and the journal test of common/log.c: NOTIFY_SOCKET addresses (paths,
 * abstract "@names", the refused ones), datagrams as sent to a path and to
 * an abstract name, no socket at all, and JOURNAL_STREAM against stderr.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/log.h"
#include "common/sdnotify.h"

static void
test_addr(void **state)
{
	struct sockaddr_un sun;
	char long_path[200];

	(void)state;
	assert_int_equal(sdnotify_addr("/run/systemd/notify", &sun),
	    (int)(offsetof(struct sockaddr_un, sun_path) +
	    sizeof("/run/systemd/notify")));
	assert_string_equal(sun.sun_path, "/run/systemd/notify");
	/* abstract: a leading NUL, no trailing one counted */
	assert_int_equal(sdnotify_addr("@abc", &sun),
	    (int)(offsetof(struct sockaddr_un, sun_path) + 4));
	assert_int_equal(sun.sun_path[0], '\0');
	assert_memory_equal(sun.sun_path + 1, "abc", 3);
	assert_int_equal(sdnotify_addr("relative/path", &sun), -EINVAL);
	assert_int_equal(sdnotify_addr("", &sun), -EINVAL);
	assert_int_equal(sdnotify_addr("@", &sun), -EINVAL);
	assert_int_equal(sdnotify_addr("vsock:2:1", &sun), -EINVAL);
	memset(long_path, 'x', sizeof(long_path) - 1);
	long_path[0] = '/';
	long_path[sizeof(long_path) - 1] = '\0';
	assert_int_equal(sdnotify_addr(long_path, &sun), -EINVAL);
}

static int
bound(const char *addr)
{
	struct sockaddr_un sun;
	int fd, alen;

	alen = sdnotify_addr(addr, &sun);
	assert_true(alen > 0);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, (socklen_t)alen), 0);
	return fd;
}

static void
expect_msg(int fd, const char *want)
{
	char buf[256];
	ssize_t n;

	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void
test_send(void **state)
{
	char dir[] = "/tmp/test_sdnotify.XXXXXX", path[128], abs[64];
	int fd;

	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(sdnotify("READY=1"), 0);	/* no manager: nothing */

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/notify", dir);
	fd = bound(path);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(sdnotify("READY=1\nSTATUS=Serving x"), 1);
	expect_msg(fd, "READY=1\nSTATUS=Serving x");
	assert_int_equal(sdnotifyf("STATUS=attempt %u", 3u), 1);
	expect_msg(fd, "STATUS=attempt 3");
	close(fd);
	unlink(path);
	/* the socket is gone: an error, not a crash or a hang */
	assert_true(sdnotify("STOPPING=1") < 0);
	rmdir(dir);

	snprintf(abs, sizeof(abs), "@test_sdnotify.%ld", (long)getpid());
	fd = bound(abs);
	setenv("NOTIFY_SOCKET", abs, 1);
	assert_int_equal(sdnotify("STOPPING=1"), 1);
	expect_msg(fd, "STOPPING=1");
	close(fd);

	setenv("NOTIFY_SOCKET", "not-absolute", 1);
	assert_int_equal(sdnotify("READY=1"), -EINVAL);
	unsetenv("NOTIFY_SOCKET");
}

static void
test_journal_stream(void **state)
{
	char buf[64];
	struct stat st;
	int saved, fd;

	(void)state;
	saved = dup(2);
	assert_true(saved >= 0);
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	assert_int_equal(fstat(2, &st), 0);

	unsetenv("JOURNAL_STREAM");
	assert_int_equal(log_stderr_is_journal(), 0);
	snprintf(buf, sizeof(buf), "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", buf, 1);
	assert_int_equal(log_stderr_is_journal(), 1);
	log_init(1, "test_sdnotify");
	assert_int_equal(log_to_journal(), 1);
	log_init(0, "test_sdnotify");	/* detached: syslog, never this */
	assert_int_equal(log_to_journal(), 0);
	/* another file's, or junk */
	snprintf(buf, sizeof(buf), "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino + 1);
	setenv("JOURNAL_STREAM", buf, 1);
	assert_int_equal(log_stderr_is_journal(), 0);
	setenv("JOURNAL_STREAM", "12", 1);
	assert_int_equal(log_stderr_is_journal(), 0);
	snprintf(buf, sizeof(buf), "%llu:%llux", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", buf, 1);
	assert_int_equal(log_stderr_is_journal(), 0);
	unsetenv("JOURNAL_STREAM");
	log_init(1, "test_sdnotify");

	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_send),
		cmocka_unit_test(test_journal_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
