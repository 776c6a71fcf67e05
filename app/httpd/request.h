/*
 * httpd's HTTP/1.x requests (request.c): the request line and the
 * headers httpd looks at, the path made safe, the content type of a
 * file, the text of a status. Pure code: unit/httpd.c tests it with the
 * rest on the host.
 */
#ifndef HTTPD_REQUEST_H
#define HTTPD_REQUEST_H

#define PATH_MAX_LEN 512

struct request {
    char method[8];
    char path[PATH_MAX_LEN]; /* decoded, without the query; never with a ".." segment */
    int minor;               /* HTTP/1.minor */
    int keep_alive;          /* the client asks to keep the connection */
    long body;               /* Content-Length; -1 for a Transfer-Encoding */
};

/* Parse the head (NUL-terminated, its lines ending in CRLF): 0, or the
 * status to answer (400, 403, 405, 413, 414, 505). */
int request_parse(const char *head, struct request *r);

/* The Content-Type of a file by its extension. */
const char *content_type(const char *path);

/* The reason phrase of a status. */
const char *reason(int status);

#endif
