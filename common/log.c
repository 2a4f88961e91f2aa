/*
 * log.c: stderr when in the foreground, syslog otherwise. The settings are
 * process-wide by nature (like openlog(3)); they are written once at start.
 *
 * The ident is the program's name ("rpc.mountd"), as nfs-utils' daemons
 * use, so that `journalctl -t rpc.mountd` and syslog filters find us.
 * In the foreground under systemd, stderr is a stream to the journal
 * ($JOURNAL_STREAM names its device and inode, sd_journal_stream_fd(3)):
 * the journal adds time and ident itself, so a line is then only "<N>"
 * (the syslog priority, which journald strips and records) and the text.
 */
#include <sys/stat.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

#include "common/log.h"

static int		log_fg = 1;
static int		log_journal;	/* stderr is the journal's stream */
static const char	*log_ident = "nfs-suite";
static unsigned		log_dmask;
static unsigned		log_burst = 5;	/* RATELOG_BURST */

void
log_init(int foreground, const char *ident)
{
	log_fg = foreground;
	log_ident = ident;
	log_journal = foreground && log_stderr_is_journal();
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	tzset();
}

int
log_stderr_is_journal(void)
{
	const char *v = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	int n = 0;

	if (v == NULL || sscanf(v, "%llu:%llu%n", &dev, &ino, &n) != 2 ||
	    v[n] != '\0' || fstat(2, &st) != 0)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

int
log_to_journal(void)
{
	return log_journal;
}

int
log_foreground(void)
{
	return log_fg;
}

const char *
log_ident_name(void)
{
	return log_ident;
}

void
log_set_debug(unsigned mask)
{
	__atomic_store_n(&log_dmask, mask, __ATOMIC_RELAXED);
}

unsigned
log_get_debug(void)
{
	return __atomic_load_n(&log_dmask, __ATOMIC_RELAXED);
}

void
log_set_burst(unsigned n)
{
	__atomic_store_n(&log_burst, n, __ATOMIC_RELAXED);
}

unsigned
log_get_burst(void)
{
	return __atomic_load_n(&log_burst, __ATOMIC_RELAXED);
}

static const struct {
	const char	*name;
	unsigned	 bit;
} facilities[] = {
	{ "call", LOG_D_CALL }, { "auth", LOG_D_AUTH }, { "xprt", LOG_D_XPRT },
	{ "export", LOG_D_EXPORT }, { "fh", LOG_D_FH }, { "vfs", LOG_D_VFS },
	{ "state", LOG_D_STATE }, { "all", LOG_D_ALL },
};

int
log_parse_debug(const char *spec, unsigned *mask)
{
	char buf[256], *tok, *save = NULL;
	size_t i;
	unsigned m = 0;

	if (strlen(spec) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, spec);
	for (tok = strtok_r(buf, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save)) {
		for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
			if (strcasecmp(tok, facilities[i].name) == 0)
				break;
		if (i == sizeof(facilities) / sizeof(facilities[0]))
			return -EINVAL;
		m |= facilities[i].bit;
	}
	*mask = m;
	return 0;
}

static void vlog(int, const char *, va_list, const char *)
    __attribute__((format(printf, 2, 0)));

static void
vlog(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_journal)
		fprintf(stderr, "<%d>%s%s%s\n", pri, msg, suffix ? ": " : "",
		    suffix ? suffix : "");
	else if (log_fg) {
		struct timespec ts;
		struct tm tm;
		char tbuf[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(tbuf, sizeof(tbuf), "%H:%M:%S", &tm);
		/* one fprintf: stdio locks the stream, lines never interleave */
		fprintf(stderr, "%s.%03ld %s: %s%s%s\n", tbuf,
		    ts.tv_nsec / 1000000, log_ident, msg,
		    suffix ? ": " : "", suffix ? suffix : "");
	} else
		syslog(pri, "%s%s%s", msg, suffix ? ": " : "",
		    suffix ? suffix : "");
}

void
log_warn(const char *fmt, ...)
{
	char ebuf[128];
	const char *e;
	int saved = errno;
	va_list ap;

	e = strerror_r(saved, ebuf, sizeof(ebuf));
	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, e);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void
log_notice(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_NOTICE, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(unsigned facility, const char *fmt, ...)
{
	va_list ap;

	if ((log_get_debug() & facility) == 0)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	char ebuf[128];
	const char *e;
	va_list ap;

	e = strerror_r(errno, ebuf, sizeof(ebuf));
	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, e);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
