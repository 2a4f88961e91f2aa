/*
 * log.h: the suite's logging. Foreground daemons log to stderr, others to
 * syslog (LOG_DAEMON | LOG_PID). Debug output is selected per facility bit.
 */
#ifndef NFS_LOG_H
#define NFS_LOG_H

#include <stdarg.h>

/* Debug facilities, selected with -D call,auth,... */
#define LOG_D_CALL	0x0001u	/* every RPC call and reply */
#define LOG_D_AUTH	0x0002u	/* credential decisions */
#define LOG_D_XPRT	0x0004u	/* transports: connections, records */
#define LOG_D_EXPORT	0x0008u	/* export matching */
#define LOG_D_FH	0x0010u	/* file handles */
#define LOG_D_VFS	0x0020u	/* filesystem calls */
#define LOG_D_STATE	0x0040u	/* state files, registrations */
#define LOG_D_ALL	0xffffu

#define PRINTFLIKE(f, a)	__attribute__((format(printf, f, a)))

/* Set up logging; ident is the program's name ("rpc.mountd"), the syslog
 * tag. In the foreground with stderr the journal's stream ($JOURNAL_STREAM
 * matches it), lines are "<priority>text": journald adds time and ident. */
void	log_init(int foreground, const char *ident);
/* As set by log_init(): stderr (1) or syslog (0), and the ident. */
int	log_foreground(void);
/* 1 if log_init() chose the journal format; and the test it uses. */
int	log_to_journal(void);
int	log_stderr_is_journal(void);
const char *log_ident_name(void);
/* Enable debug facilities (LOG_D_*); verbose also turns on log_info. */
void	log_set_debug(unsigned mask);
unsigned log_get_debug(void);
/* Lines of one kind of refusal logged per interval before they are only
 * counted (common/ratelog.h; [global] log-burst), 0 for no limit. */
void	log_set_burst(unsigned n);
unsigned log_get_burst(void);
/* Parse "call,auth" or "all" into a mask; returns 0 or -EINVAL. */
int	log_parse_debug(const char *spec, unsigned *mask);

void	log_warn(const char *fmt, ...) PRINTFLIKE(1, 2);	/* appends strerror(errno) */
void	log_warnx(const char *fmt, ...) PRINTFLIKE(1, 2);
void	log_notice(const char *fmt, ...) PRINTFLIKE(1, 2);
void	log_info(const char *fmt, ...) PRINTFLIKE(1, 2);
void	log_debug(unsigned facility, const char *fmt, ...) PRINTFLIKE(2, 3);
void	fatal(const char *fmt, ...) PRINTFLIKE(1, 2) __attribute__((noreturn));
void	fatalx(const char *fmt, ...) PRINTFLIKE(1, 2) __attribute__((noreturn));

/* Cheap test before formatting a debug message on a hot path. */
#define log_debugging(fac)	((log_get_debug() & (fac)) != 0)

#endif
