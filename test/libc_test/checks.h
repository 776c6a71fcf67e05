/* The checks of libc_test (checks.c), each printing one line. */
#ifndef CHECKS_H
#define CHECKS_H

/* Each returns the number of failed checks. */
int check_malloc(void);
int check_qsort(void);
int check_format(void);
int check_setjmp(void);
int check_files(void);
int check_errno(void);

/* devices.c: the roles "terminal" and "clock"; the number of failures. */
int run_terminal(void);
int run_liar(void);
int run_clock(void);

#endif
