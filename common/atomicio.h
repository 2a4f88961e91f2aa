/*
 * atomicio.h: crash-safe state files and full reads/writes.
 */
#ifndef NFS_ATOMICIO_H
#define NFS_ATOMICIO_H

#include <sys/types.h>
#include <stddef.h>

/* Write buf to path atomically: temp file in the same directory, fsync,
 * rename, fsync of the directory. Returns 0 or -errno. */
int	atomic_write_file(const char *path, const void *buf, size_t len, mode_t mode);
/* Read a whole file (at most max bytes) into a malloc'd NUL-terminated
 * buffer; returns 0 or -errno (-EFBIG past max). */
int	read_file(const char *path, size_t max, char **bufp, size_t *lenp);
/* mkdir -p: parents 0755, the directory itself with mode; an existing
 * directory is fine. Returns 0, -ENOTDIR if something else is there, or
 * -errno. */
int	mkdir_p(const char *dir, mode_t mode);
/* write(2)/read(2) until done; return 0 or -errno (-EPIPE on early EOF). */
int	write_full(int fd, const void *buf, size_t len);
int	read_full(int fd, void *buf, size_t len);

#endif
