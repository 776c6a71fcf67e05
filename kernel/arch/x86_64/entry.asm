; Kernel entry and exit: interrupt/exception stubs, the SYSCALL entry and
; the return to user mode.
;
; User state is saved straight into the current thread's register frame
; (struct regs in the TCB): TSS.rsp0 points just past it, so the CPU's
; interrupt frame and our pushes land there (the NOVA trick); the syscall
; entry stores into it through [gs:CPU_regs].
; The kernel then runs on its CPU's kernel stack; it never blocks on it, so
; a kernel entry always starts with an empty stack and leaves through
; arch_return_to_user(), which pops the frame of the (new) current thread.
;
; GS: in the kernel, GS_BASE is the running CPU's struct cpu (cpu.c); in
; user mode it is the user's (0) and the kernel's waits in KERNEL_GS_BASE.
; Every entry from user mode starts with swapgs, every exit to it ends
; with one. NMI and #MC can strike anywhere, even between an entry and its
; swapgs: their stub looks at GS_BASE itself (kernel addresses are
; negative, user GS bases never are).
;
; USER_CS, VEC_SYSCALL, the REGS_* offsets of struct regs (arch.h), the
; CPU_* offsets of struct cpu and the rest come from the C
; headers through asm_consts.inc (mk/build.mk).

%include "asm_consts.inc"

default rel
bits 64
%use smartalign
alignmode p6                            ; pad the stubs with long nops

; SAVE_GPRS pushes in struct regs order, r15 lowest: check it still is.
%if REGS_r15 != 0 || REGS_rax != 14 * 8 || REGS_vector != 15 * 8 || REGS_rip != 17 * 8 || REGS_SIZE != 22 * 8
%error "struct regs (arch.h) no longer matches the frame entry.asm builds"
%endif

extern kernel, kernel_lock, syscall_handlers
extern arch_user_trap, arch_kernel_trap, kernel_exit, kernel_lock_wait
global vector_stubs, syscall_entry, syscall_entry_up, arch_return_to_user, arch_ipc_return

%macro SAVE_GPRS 0
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
%endmacro

; Take the kernel lock (smp.c) on an interrupt or exception entry (the
; system call entry has its own copy): a ticket; if it is not served at
; once, kernel_lock_wait(ticket, false) spins (answering smp_sync
; requests meanwhile). Clobbers rcx, and all caller-saved registers on
; the slow way.
%macro LOCK_KERNEL 0
    mov ecx, 1
    lock xadd [kernel_lock + KLOCK_next], ecx
    cmp ecx, [kernel_lock + KLOCK_owner]
    je %%locked
    mov edi, ecx
    xor esi, esi
    call kernel_lock_wait
%%locked:
%endmacro

; Drop it on the way out to user mode, after the last access to kernel
; state; only the holder writes owner.
%macro UNLOCK_KERNEL 0
    inc dword [kernel_lock + KLOCK_owner]
%endmacro

%macro RESTORE_GPRS 0
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
%endmacro

section .text

; One 16-byte stub per vector. Most push a dummy error code so every frame
; has the same layout. The exceptions for which the CPU pushes an error
; code (8, 10-14, 17, 21, 29, 30) go through error_code_check: their
; vector can also be raised by an interrupt (a misprogrammed PIC, IOAPIC
; or MSI), which pushes none. Long mode aligns the stack to 16 bytes
; before pushing the frame, so after the stub's push the stack is 16-byte
; aligned exactly when the CPU pushed no error code: then the stub adds a
; zero error code and marks the vector with VEC_EXC_AS_IRQ, and trap.c
; treats it as a stray interrupt, not as an exception.
align 16
vector_stubs:
%assign vec 0
%rep 256
    align 16
%if vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30
    push qword vec
%if vec == 8
    jmp error_code_check_ist
%else
    jmp error_code_check
%endif
%else
    push qword 0
    push qword vec
%if vec == 2 || vec == 18
    jmp ist_common
%else
    jmp interrupt_common
%endif
%endif
%assign vec vec + 1
%endrep

%macro ERROR_CODE_CHECK 0
    test rsp, 8
    jnz %%done                          ; the CPU pushed an error code
    push qword [rsp]                    ; vector one slot down ...
    mov qword [rsp + 8], 0              ; ... and a zero error code
    or qword [rsp], VEC_EXC_AS_IRQ
%%done:
%endmacro

error_code_check:
    ERROR_CODE_CHECK
    jmp interrupt_common
error_code_check_ist:
    ERROR_CODE_CHECK
    jmp ist_common

; NMI, #DF, #MC arrive on IST stacks, never in the thread's frame: they
; are handled right there, whatever mode they interrupted, with the
; kernel's GS (swapped in here if it was not, and back out after).
ist_common:
    SAVE_GPRS
    mov ecx, MSR_GS_BASE
    rdmsr
    xor ebx, ebx                        ; rbx: 1 if we swapped
    test edx, edx
    js .kernel_gs
    swapgs
    inc ebx
.kernel_gs:
    mov rdi, rsp
    call arch_kernel_trap
    test ebx, ebx
    jz .restore
    swapgs
.restore:
    RESTORE_GPRS
    add rsp, 16                         ; vector and error code
    iretq

; From user mode the vector is kept on the kernel stack: once we hold the
; lock, the thread (and its frame) may be gone (smp_sync, thread.c).
interrupt_common:
    SAVE_GPRS
    test byte [rsp + REGS_cs], 3        ; saved CS: from user?
    jz from_kernel
    swapgs
    mov rax, [rsp + REGS_vector]
    mov rsp, [gs:CPU_kernel_stack]
    push rax
    push rax
    LOCK_KERNEL
    mov rdi, [rsp]
    call arch_user_trap
from_kernel:
    mov rdi, rsp
    call arch_kernel_trap
    RESTORE_GPRS
    add rsp, 16                         ; vector and error code
    iretq

; The system call entry. SYSCALL leaves rip in rcx and rflags in r11 and
; does not switch stacks or GS. We store the user state the kernel needs
; into the thread's frame ([gs:CPU_regs]: &current->regs, which is the thread
; itself): rip, rflags, rsp, the arguments and results (rax rdi rsi rdx
; r10 r8 r9), the message registers r12-r15, and rbx and rbp, which a
; switch to another thread must find there. The user values of rcx and
; r11 are gone already (the ABI clobbers them). Then the handler of the
; call, syscall_handlers[rax] (syscall.c), runs on the kernel stack with
; the thread as its argument.
;
; When the handler returns and the same thread stays current (the common
; case: the CPU's current is NULL or runnable, see sched.c), we go back to it
; at once, restoring only what a handler may write into the frame of the
; thread that called it: rax and the result registers rdi rsi rdx r10 r8
; (r9 too, which C clobbers). rbx, rbp and r12-r15 still hold the user's
; values: C preserves them, and the one path that writes message words
; into the caller's own frame (reply_wait finding a sender queued, ipc.c)
; leaves through kernel_exit and its full restore instead.
; Anything else (another thread to run, PDs to clean up) goes through
; kernel_exit(). Handlers that switch threads themselves (the IPC fast
; path) do not return here.
; syscall_entry is the entry of a system with more than one CPU;
; syscall_entry_up, the same but for the lock, the entry once smp_start
; found that no other CPU runs or ever will (arch_syscall_single_cpu): no
; other CPU ever takes the lock then, and this one holds it nowhere in
; user mode, so at a system call it is free and a plain increment of its
; ticket counter takes it (one instruction instead of four; the release
; on the way out is the same).
%macro SYSCALL_ENTRY 1
    swapgs
    mov [gs:CPU_user_rsp], rsp
    mov rsp, [gs:CPU_regs]
    mov [rsp + REGS_rip], rcx
    mov [rsp + REGS_rflags], r11
    mov rcx, [gs:CPU_user_rsp]
    mov [rsp + REGS_rsp], rcx
    mov [rsp + REGS_rax], rax           ; (the vector is VEC_SYSCALL already: .iret)
    mov [rsp + REGS_rdi], rdi
    mov [rsp + REGS_rsi], rsi
    mov [rsp + REGS_rdx], rdx
    mov [rsp + REGS_r10], r10
    mov [rsp + REGS_r8], r8
    mov [rsp + REGS_r9], r9
    mov [rsp + REGS_r12], r12
    mov [rsp + REGS_r13], r13
    mov [rsp + REGS_r14], r14
    mov [rsp + REGS_r15], r15
    mov [rsp + REGS_rbx], rbx
    mov [rsp + REGS_rbp], rbp
    mov rsp, [gs:CPU_kernel_stack]
%if %1
    mov ecx, 1                          ; LOCK_KERNEL, its slow part at .wait
    lock xadd [kernel_lock + KLOCK_next], ecx
    cmp ecx, [kernel_lock + KLOCK_owner]
    jne .wait
%else
    inc dword [kernel_lock + KLOCK_next] ; one CPU: free, nobody else counts
%endif
.locked:                                ; rax: the call's number
    mov rdi, [gs:CPU_regs]              ; the thread
    cmp rax, SYS_COUNT
    jae .invalid
    call [abs syscall_handlers + rax * 8]
.done:
    mov rcx, [gs:CPU_regs]
    cmp rcx, [gs:CPU_current]
    jne .switch
    cmp byte [gs:CPU_exit_work], 0      ; also set while dying PDs of ours wait
    jne .switch
    mov rax, [rcx + REGS_rax]
    mov rdi, [rcx + REGS_rdi]
    mov rsi, [rcx + REGS_rsi]
    mov rdx, [rcx + REGS_rdx]
    mov r10, [rcx + REGS_r10]
    mov r8, [rcx + REGS_r8]
    mov r9, [rcx + REGS_r9]
    mov r11, [rcx + REGS_rflags]
    mov rsp, [rcx + REGS_rsp]
    mov rcx, [rcx + REGS_rip]
    UNLOCK_KERNEL
    swapgs
    o64 sysret
.switch:
    jmp kernel_exit
%if %1
; The lock is held elsewhere. Only then can our thread have been stopped
; by another CPU meanwhile (that CPU holds the lock until we answered
; its smp_sync, which we do waiting): with the lock got at once, the
; thread is current, and the quick path needs no check.
.wait:
    mov edi, ecx
    mov esi, 1
    call kernel_lock_wait
    mov rdi, [gs:CPU_regs]
    cmp rdi, [gs:CPU_current]
    jne .stale
    mov rax, [rdi + REGS_rax]           ; the C call took it
    jmp .locked
.stale:                                 ; stopped or gone while we waited for the lock
    jmp kernel_exit                     ; (arch_syscall_entry_stopped, trap.c)
%endif
.invalid:
    mov qword [rdi + REGS_rax], ERR_INVALID_SYSCALL
    jmp .done
%endmacro

syscall_entry:
    SYSCALL_ENTRY 1
syscall_entry_up:
    SYSCALL_ENTRY 0

; Back to the current thread ([gs:CPU_regs]), all of its registers from its
; frame. A thread whose last entry was a syscall leaves with sysretq (rip
; and rflags via rcx and r11, which the ABI gives up anyway); any other
; with iretq. The vector slot says which: an interrupt or exception
; entry pushes its vector there; the system call entry stores none, since
; every exit to user mode leaves VEC_SYSCALL there (the iretq path writes
; it, the sysretq paths found it), so a thread that enters with syscall
; has it already. A new thread's frame is zeroed: its first exit is an
; iretq. sysret's return address is always canonical: it is the
; instruction after a syscall in user space, which ends one page below
; the canonical boundary, or an address thread_start or a fault reply
; checked. Between loading the user rsp and sysretq only an NMI or
; machine check could strike; both run on their own IST stacks.
arch_return_to_user:
    mov rcx, [gs:CPU_regs]
    cmp qword [rcx + REGS_vector], VEC_SYSCALL
    jne .iret
    mov rax, [rcx + REGS_rax]
    mov rbx, [rcx + REGS_rbx]
    mov rbp, [rcx + REGS_rbp]
    mov rdi, [rcx + REGS_rdi]
    mov rsi, [rcx + REGS_rsi]
    mov rdx, [rcx + REGS_rdx]
    mov r8, [rcx + REGS_r8]
    mov r9, [rcx + REGS_r9]
    mov r10, [rcx + REGS_r10]
    mov r12, [rcx + REGS_r12]
    mov r13, [rcx + REGS_r13]
    mov r14, [rcx + REGS_r14]
    mov r15, [rcx + REGS_r15]
    mov r11, [rcx + REGS_rflags]
    mov rsp, [rcx + REGS_rsp]
    mov rcx, [rcx + REGS_rip]
    UNLOCK_KERNEL
    swapgs
    o64 sysret
.iret:
    mov rsp, rcx
    RESTORE_GPRS
    mov qword [rsp], VEC_SYSCALL        ; the vector: for the next entry, if a syscall
    add rsp, 16                         ; vector and error code
    UNLOCK_KERNEL                       ; iretq still reads the frame: see smp_sync
    swapgs
    iretq

;; arch_ipc_return: the IPC fast path's way back to user mode (ipc_fast.c,
; which jumps here with badge in rdi, info in rsi, len in rdx, the
; sender's frame `from` in rcx, the receiver's `to` in r11), into the
; receiver, already made current by sched_enter. It waits in call or
; reply_wait, so its frame is a syscall frame. It gets status ERR_OK,
; badge (rdi) and info (rsi, where they are already), its message words
; 0..len-1 (len <= MSG_REG_WORDS, checked by the fast path) straight from
; the sender's frame, and words len..7 as 0; rbx, rbp, rsp, rip and
; rflags come from its own frame. Nothing of the message is written into
; `to` first: its next kernel entry stores all of it afresh. One straight
; line per length (IPC_RETURN len), reached by one jump.
%define MSG_REG_0 rdx
%define MSG_REG_1 r10
%define MSG_REG_2 r8
%define MSG_REG_3 r9
%define MSG_REG_4 r12
%define MSG_REG_5 r13
%define MSG_REG_6 r14
%define MSG_REG_7 r15
%macro IPC_RETURN 1
%assign w 0
%rep 8
%if w < %1
    mov MSG_REG_%[w], [rcx + REGS_%[MSG_REG_%[w]]]
%else
    xor MSG_REG_%[w], MSG_REG_%[w]          ; (the 64-bit form: one instruction too)
%endif
%assign w w + 1
%endrep
    xor eax, eax                        ; ERR_OK
    mov rbx, [r11 + REGS_rbx]
    mov rbp, [r11 + REGS_rbp]
    mov rcx, [r11 + REGS_rip]
    mov rsp, [r11 + REGS_rsp]
    mov r11, [r11 + REGS_rflags]
    UNLOCK_KERNEL
    swapgs
    o64 sysret
%endmacro

arch_ipc_return:
    jmp [abs .len + rdx * 8]
%assign n 0
%rep 9
.l%[n]:
    IPC_RETURN n
%assign n n + 1
%endrep

section .rodata
align 8
.len: dq .l0, .l1, .l2, .l3, .l4, .l5, .l6, .l7, .l8

section .note.GNU-stack noalloc noexec nowrite progbits
