# jcri-pod-init: PID 1 of the PID namespace of a pod whose containers share it (CRI NamespaceMode.POD for pid,
# Kubernetes shareProcessNamespace). x86-64 Linux, no libc, no arguments, no output.
# Assembled bytes live in io.jcri.runtime.pod.PodInitElf; PodInitElfTest checks they match this file.
#
# Why: a PID namespace cannot outlive its PID 1 for new processes. Without this, the pod's first container would
# be PID 1: its exit would SIGKILL the rest of the pod and no container could start there again (fork: ENOMEM),
# orphans of the pod would be reparented to it (and rarely reaped), and it would get init's signal semantics.
#
# What: it reaps every child (orphans of the pod are reparented to it) and otherwise sleeps in rt_sigtimedwait.
# SIGCHLD is blocked, so one that arrives while it is reaping stays pending and ends the next wait at once
# (a blocked signal is never discarded, even with SIG_DFL). As PID 1 of its namespace it ignores every signal
# from inside the pod (it installs no handler); the runtime ends it with SIGKILL from the host, after which the
# kernel kills whatever is left in the namespace.
# Stack: [rsp] the signal set {SIGCHLD}.

.intel_syntax noprefix
.globl _start
_start:
  push 0x10000                    # sigset_t with bit SIGCHLD-1 (17-1)
  mov eax, 14                     # rt_sigprocmask(SIG_BLOCK, set, NULL, 8)
  xor edi, edi
  mov rsi, rsp
  xor edx, edx
  mov r10d, 8
  syscall
reap:
  mov eax, 61                     # wait4(-1, NULL, WNOHANG|__WALL, NULL)
  mov edi, -1
  xor esi, esi
  mov edx, 0x40000001
  xor r10d, r10d
  syscall
  test rax, rax
  jg reap                         # reaped one: there may be more
  mov eax, 128                    # 0 (none exited yet) or -ECHILD (none): rt_sigtimedwait(set, NULL, NULL, 8)
  mov rdi, rsp
  xor esi, esi
  xor edx, edx
  mov r10d, 8
  syscall
  jmp reap                        # SIGCHLD (or EINTR): reap again
