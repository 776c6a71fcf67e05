/* <sys/poll.h> is <poll.h>, as on Linux and the BSDs. */
#include <poll.h>
