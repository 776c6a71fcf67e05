/*
 * Users and permissions: a component has no users. It runs as user and
 * group 0; changing owners or modes of files, or making device nodes,
 * is not supported (ENOSYS). umask is kept but nothing uses it.
 */
#include <errno.h>
#include <pwd.h>
#include <unistd.h>
#include <sys/stat.h>

static mode_t mask = 022;

uid_t getuid(void)
{
    return 0;
}

uid_t geteuid(void)
{
    return 0;
}

gid_t getgid(void)
{
    return 0;
}

gid_t getegid(void)
{
    return 0;
}

mode_t umask(mode_t new_mask)
{
    mode_t old = mask;
    mask = new_mask & 0777;
    return old;
}

static int unsupported(void)
{
    errno = ENOSYS;
    return -1;
}

int chmod(const char *path, mode_t mode)
{
    return unsupported();
}

int fchmod(int fd, mode_t mode)
{
    return unsupported();
}

int chown(const char *path, uid_t owner, gid_t group)
{
    return unsupported();
}

int fchown(int fd, uid_t owner, gid_t group)
{
    return unsupported();
}

int mknod(const char *path, mode_t mode, dev_t dev)
{
    return unsupported();
}

/* There is no user database. */
struct passwd *getpwuid(uid_t uid)
{
    errno = ENOSYS;
    return NULL;
}

struct passwd *getpwnam(const char *name)
{
    errno = ENOSYS;
    return NULL;
}
