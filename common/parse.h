/*
 * parse.h: the position of a parse error, shared by every text parser in
 * common/ (config, exports). Callers print "file:line:col: msg".
 */
#ifndef NFS_PARSE_H
#define NFS_PARSE_H

struct parse_err {
	unsigned	line;	/* 1-based; 0 when the error has no position */
	unsigned	col;	/* 1-based; 0 when unknown */
	char		msg[128];
};

/* Fill err (if not NULL) with a formatted message; always returns -EINVAL. */
int	parse_err_set(struct parse_err *err, unsigned line, unsigned col,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
