/* calc's statistics: libm (pow, sqrt) and strtoul. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include "stats.h"

double mean(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        s += v[i];
    }
    return s / (double)n * SCALE;
}

double stddev(const double *v, size_t n)
{
    double m = mean(v, n) / SCALE, s = 0;
    for (size_t i = 0; i < n; i++) {
        s += pow(v[i] - m, 2);
    }
    return sqrt(s / (double)n);
}

int parse_list(const char *s, unsigned long *out, int max)
{
    int n = 0;
    while (*s && n < max) {
        char *end;
        errno = 0;
        unsigned long v = strtoul(s, &end, 0);
        if (end == s || errno) {
            return -1;
        }
        out[n++] = v;
        s = end;
        while (*s == ',') {
            s++;
        }
    }
    return n;
}
