/* fpu_spin(struct fpu_run *r): load x87, SSE and (r->avx) AVX registers
 * with r's values, then until the TSC passes r->tsc_end check over and
 * over that they still hold them, count TSC gaps longer than r->gap
 * (times the thread was switched out) and rounds in which CR0.TS was set
 * (smsw: a lazy FPU switch). All in assembly: compiled C may use the
 * vector registers. Layout: see struct fpu_run in fpu.c. */
#define TSC_END 0
#define GAP 8
#define AVX 16
#define MISMATCHES 24
#define SWITCHES 32
#define TS_SEEN 40
#define ROUNDS 48
#define X87 64
#define VALUES 128
#define EXPECT_FX 640
#define EXPECT_Y 1152
#define NOW_FX 1664
#define NOW_Y 2176


    .text
    .globl fpu_spin
fpu_spin:
    pushq %rbx
    pushq %r12
    pushq %r13
    movq %rdi, %rbx
    fninit
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7
    fildq X87 + 8 * \n(%rbx)
    .endr
    cmpq $0, AVX(%rbx)
    je 1f
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    vmovdqu VALUES + 32 * \n(%rbx), %ymm\n
    .endr
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    vmovdqu %ymm\n, EXPECT_Y + 32 * \n(%rbx)
    .endr
    jmp 2f
1:  .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    movdqu VALUES + 16 * \n(%rbx), %xmm\n
    .endr
2:  fxsave64 EXPECT_FX(%rbx)
    rdtsc
    shlq $32, %rdx
    orq %rax, %rdx
    movq %rdx, %r13                      /* last TSC */

round:
    smsw %eax
    testb $8, %al                        /* CR0.TS */
    jz 3f
    incq TS_SEEN(%rbx)
3:  leaq NOW_FX(%rbx), %rdi              /* zero, then save: only what */
    movl $512, %ecx                      /* fxsave writes can differ */
    xorl %eax, %eax
    rep stosb
    fxsave64 NOW_FX(%rbx)
    cmpq $0, AVX(%rbx)
    je 4f
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    vmovdqu %ymm\n, NOW_Y + 32 * \n(%rbx)
    .endr
    leaq NOW_Y(%rbx), %rsi
    leaq EXPECT_Y(%rbx), %rdi
    movl $512, %ecx
    repe cmpsb
    jne 6f
4:  movl $8, %r12d                       /* ST0..7: 10 bytes in 16 */
    leaq NOW_FX + 32(%rbx), %rsi
    leaq EXPECT_FX + 32(%rbx), %rdi
5:  movl $10, %ecx
    repe cmpsb
    jne 6f
    addq $6, %rsi
    addq $6, %rdi
    decl %r12d
    jnz 5b
    leaq NOW_FX + 160(%rbx), %rsi        /* XMM0..15 */
    leaq EXPECT_FX + 160(%rbx), %rdi
    movl $256, %ecx
    repe cmpsb
    jne 6f
    movl NOW_FX + 24(%rbx), %eax         /* MXCSR */
    cmpl EXPECT_FX + 24(%rbx), %eax
    je 7f
6:  incq MISMATCHES(%rbx)
7:  incq ROUNDS(%rbx)
    rdtsc
    shlq $32, %rdx
    orq %rax, %rdx
    movq %rdx, %rax
    subq %r13, %rax
    movq %rdx, %r13
    cmpq GAP(%rbx), %rax
    jb 8f
    incq SWITCHES(%rbx)
8:  cmpq TSC_END(%rbx), %rdx
    jb round
    popq %r13
    popq %r12
    popq %rbx
    ret

    .section .note.GNU-stack, "", @progbits
