/* calc's statistics (stats.c); SCALE comes from the command line (-D). */
#ifndef STATS_H
#define STATS_H

#include <stddef.h>

#ifndef SCALE
#error "SCALE must be given with -D"
#endif

double mean(const double *v, size_t n);
double stddev(const double *v, size_t n);
/* Numbers separated by commas, in strtoul's bases: the count, or -1. */
int parse_list(const char *s, unsigned long *out, int max);

#endif
