; Application processor start: the trampoline an AP runs after
; INIT-SIPI-SIPI, and its way into the kernel.
;
; smp.c copies ap_trampoline..ap_trampoline_end to a free page below
; 1 MiB (the SIPI vector names the page), fills in the parameter block at
; its end (struct ap_params, arch.h) and starts one AP at a time. The AP begins in real mode at that page with
; CS = page >> 4: it loads the trampoline's own GDT, enters protected
; mode, turns on PAE, long mode (and NX) with the boot page tables of
; boot.asm (which map the first GiB 1:1, so the trampoline page, and the
; kernel image at its link address), and jumps to ap_entry64 in the
; kernel proper. That loads the kernel's page tables and the AP's stack
; and calls smp_ap_main(cpu), which never returns.
;
; The trampoline is position independent: in real mode everything is
; addressed relative to DS = CS, later relative to ebx = the page's
; physical address; the GDT pointer and the far jumps' targets are
; written by the trampoline itself before it uses them.

bits 16
section .rodata
align 16
global ap_trampoline, ap_trampoline_end, ap_entry64
extern smp_ap_main

%define TR(label) ((label) - ap_trampoline)

ap_trampoline:
    cli
    cld
    mov ax, cs
    mov ds, ax
    xor ebx, ebx
    mov bx, ax
    shl ebx, 4                          ; ebx: the page's physical address
    mov word [TR(gdtr)], gdt_end - gdt - 1
    lea eax, [ebx + TR(gdt)]
    mov [TR(gdtr) + 2], eax
    lea eax, [ebx + TR(pm32)]
    mov [TR(pm_jump)], eax
    mov word [TR(pm_jump) + 4], 0x08
    lea eax, [ebx + TR(lm64)]
    mov [TR(lm_jump)], eax
    mov word [TR(lm_jump) + 4], 0x18
    lgdt [TR(gdtr)]
    mov eax, cr0
    or al, 1                            ; PE
    mov cr0, eax
    jmp dword far [TR(pm_jump)]

bits 32
pm32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov eax, cr4
    or eax, 0x20                        ; PAE
    mov cr4, eax
    mov eax, [ebx + TR(boot_cr3)]
    mov cr3, eax
    mov ecx, 0xc0000080                 ; EFER: LME, and NXE if the kernel uses NX
    rdmsr
    or eax, [ebx + TR(efer)]
    wrmsr
    mov eax, cr0
    or eax, 0x80010001                  ; PG, WP, PE
    mov cr0, eax
    jmp far [ebx + TR(lm_jump)]

bits 64
lm64:
    mov ebx, ebx                        ; upper halves are undefined after the switch
    mov rax, [rbx + TR(entry64)]
    jmp rax

align 8
gdt:
    dq 0
    dq 0x00cf9a000000ffff               ; 0x08 32-bit code
    dq 0x00cf92000000ffff               ; 0x10 data
    dq 0x00af9a000000ffff               ; 0x18 64-bit code
gdt_end:

gdtr:       dw 0                        ; limit
            dd 0                        ; base: page + TR(gdt)
            dw 0
pm_jump:    dd 0                        ; page + TR(pm32)
            dw 0                        ; 0x08
            dw 0
lm_jump:    dd 0                        ; page + TR(lm64)
            dw 0                        ; 0x18
            dw 0

; The parameter block, struct ap_params (arch.h), the trampoline's last
; bytes: written by smp.c.
align 8
boot_cr3:   dd 0
efer:       dd 0
entry64:    dq 0                        ; ap_entry64
kernel_cr3: dq 0
stack:      dq 0                        ; top of the AP's kernel stack
cpu_ptr:    dq 0                        ; its struct cpu
ap_trampoline_end:

; In the kernel proper, reached through the boot page tables' mirror of
; the image: switch to the kernel's page tables (after which the
; trampoline page is no longer mapped where it ran) and call C.
section .text
ap_entry64:
    mov rax, [rbx + TR(kernel_cr3)]
    mov rdi, [rbx + TR(cpu_ptr)]
    mov rsp, [rbx + TR(stack)]
    mov cr3, rax
    xor ebp, ebp
    call smp_ap_main
.halt:
    cli
    hlt
    jmp .halt

section .note.GNU-stack noalloc noexec nowrite progbits
