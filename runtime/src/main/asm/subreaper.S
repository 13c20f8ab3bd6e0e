# jcri-subreaper: the parent the launcher puts above the daemon's JVM (x86-64 Linux, no libc).
# Assembled bytes live in io.jcri.runtime.supervise.SubreaperElf; SubreaperElfTest checks they match this file.
#
#   jcri-subreaper EXIT_LOG PROGRAM [ARGS...]
#
# Two processes: the front (this one, a service manager's main process) and the keeper (its child), so that a
# stop of the service loses no exit code: the front ends with the daemon, the keeper only with the last child.
#
# The front forwards SIGTERM/SIGINT/SIGQUIT/SIGHUP to the keeper and exits with the daemon's status as soon as the
# keeper reports it over a pipe (or with the keeper's own status, should the keeper end first). A systemd unit
# with KillMode=process therefore stops when the daemon has stopped, and leaves the keeper alone.
#
# The keeper:
# - PR_SET_CHILD_SUBREAPER: containers orphaned by a dying daemon are reparented here, not to PID 1, so their
#   exit status is not lost. Every orphan it reaps is appended to EXIT_LOG as one 144-byte record:
#   struct timespec (CLOCK_BOOTTIME at reaping) followed by the siginfo_t that waitid filled (si_code,
#   si_pid, si_status): the restarted daemon matches records to containers by pid and start time.
# - Runs PROGRAM (the daemon) as its child with an empty signal mask and none of its own fds.
# - SIGTERM/SIGINT are forwarded and mean "stop": when the daemon then exits, its status goes to the front
#   (128+signal if it died of one). SIGQUIT is forwarded (thread dump). SIGHUP means "restart in place"
#   (upgrade): SIGTERM to the daemon, then PROGRAM again at once, orphans kept.
# - A daemon killed by a signal nobody forwarded (kill -9, a crash, the OOM killer) is started again after
#   1 s; one that exits by itself (bad configuration, clean exit) is reported to the front like a stop.
# - Once the daemon is reported, it keeps reaping and logging orphans (signals are then ignored) and exits with
#   the daemon's status when it has no child left: a daemon started meanwhile (a restart of the service) finds
#   their exits in EXIT_LOG, which every keeper appends to.
# Exit codes of its own: 2 usage, 125 setup failed (prctl, open, signalfd, pipe, fork); the child 127 if exec
# failed.
# Registers: r12 daemon pid (front: keeper pid), r13 argv, r14 envp, r15 log fd, rbx signalfd,
# ebp 0 running / 1 restart / 2 stop / 3 draining.
# Stack: [rsp] signal set, [rsp+8] empty set, [rsp+16] 1 s timespec, [rsp+32] pipe (read end, write end),
# [rsp+40] the daemon's status, [rsp+48] the front's two pollfds, [rsp+64] record (timespec + siginfo).

.intel_syntax noprefix
.globl _start
_start:
  mov r12, [rsp]                  # argc
  lea r13, [rsp+8]                # argv
  lea r14, [r13+r12*8+8]          # envp
  sub rsp, 256
  cmp r12, 3
  jl usage
  mov qword ptr [rsp], 0x15007    # block SIGHUP SIGINT SIGQUIT SIGPIPE SIGTERM SIGCHLD
  mov eax, 14                     # rt_sigprocmask(SIG_BLOCK, set, NULL, 8)
  xor edi, edi
  mov rsi, rsp
  xor edx, edx
  mov r10d, 8
  syscall
  mov qword ptr [rsp], 0x14007    # read through a signalfd: SIGHUP SIGINT SIGQUIT SIGTERM SIGCHLD
  mov eax, 289                    # signalfd4(-1, set, 8, SFD_CLOEXEC)
  mov edi, -1
  mov rsi, rsp
  mov edx, 8
  mov r10d, 0x80000
  syscall
  test rax, rax
  js fail
  mov rbx, rax
  mov eax, 293                    # pipe2(pipe, O_CLOEXEC)
  lea rdi, [rsp+32]
  mov esi, 0x80000
  syscall
  test rax, rax
  js fail
  mov eax, 57                     # fork(): the keeper
  syscall
  test rax, rax
  js fail
  jz keeper
  mov r12, rax
  mov edi, [rsp+36]               # close(write end)
  mov eax, 3
  syscall
front_loop:
  mov [rsp+48], ebx               # pollfd {signalfd, POLLIN}
  mov dword ptr [rsp+52], 1
  mov eax, [rsp+32]               # pollfd {read end, POLLIN}
  mov [rsp+56], eax
  mov dword ptr [rsp+60], 1
  mov eax, 7                      # poll(pollfds, 2, -1)
  lea rdi, [rsp+48]
  mov esi, 2
  mov edx, -1
  syscall
  test rax, rax
  js front_loop                   # EINTR
  test word ptr [rsp+62], 0x19    # the pipe: POLLIN POLLERR POLLHUP
  jnz front_status
  test word ptr [rsp+54], 1
  jz front_loop
  xor eax, eax                    # read(signalfd, record, 128)
  mov edi, ebx
  lea rsi, [rsp+64]
  mov edx, 128
  syscall
  cmp rax, 128
  jne front_loop
  mov esi, [rsp+64]               # ssi_signo
  cmp esi, 17
  je front_child
  mov edi, r12d                   # kill(keeper, signal)
  mov eax, 62
  syscall
  jmp front_loop
front_status:
  xor eax, eax                    # read(read end, record, 1): the daemon's status
  mov edi, [rsp+32]
  lea rsi, [rsp+64]
  mov edx, 1
  syscall
  cmp rax, 1
  jne front_wait                  # EOF: the keeper died without reporting
  movzx edi, byte ptr [rsp+64]
  jmp leave
front_child:
  mov r10d, 5                     # WEXITED|WNOHANG: did the keeper end?
  jmp front_reap
front_wait:
  mov r10d, 4                     # WEXITED
front_reap:
  mov dword ptr [rsp+96], 0       # si_pid
  mov eax, 247                    # waitid(P_PID, keeper, record+16, options, NULL)
  mov edi, 1
  mov esi, r12d
  lea rdx, [rsp+80]
  xor r8d, r8d
  syscall
  test rax, rax
  js front_loop
  cmp dword ptr [rsp+96], 0
  je front_loop
  mov edi, [rsp+104]              # si_status
  cmp dword ptr [rsp+88], 1       # si_code CLD_EXITED
  je leave
  add edi, 128
  jmp leave
keeper:
  mov edi, [rsp+32]               # close(read end)
  mov eax, 3
  syscall
  mov eax, 157                    # prctl(PR_SET_CHILD_SUBREAPER, 1)
  mov edi, 36
  mov esi, 1
  syscall
  test rax, rax
  js fail
  mov eax, 2                      # open(argv[1], O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC, 0600)
  mov rdi, [r13+8]
  mov esi, 0x80441
  mov edx, 0x180
  syscall
  test rax, rax
  js fail
  mov r15, rax
spawn:
  xor ebp, ebp
  mov eax, 57                     # fork()
  syscall
  test rax, rax
  js fail
  jz child
  mov r12, rax
  jmp reap                        # orphans may have exited while no SIGCHLD was left pending
loop:
  xor eax, eax                    # read(signalfd, record, 128)
  mov edi, ebx
  lea rsi, [rsp+64]
  mov edx, 128
  syscall
  cmp rax, 128
  jne loop
  mov esi, [rsp+64]               # ssi_signo
  cmp esi, 17
  je reap
  cmp ebp, 3
  je loop                         # draining: no daemon to forward to
  cmp esi, 3
  je forward
  mov ebp, 2                      # SIGTERM, SIGINT: stop
  cmp esi, 1
  jne forward
  mov ebp, 1                      # SIGHUP: restart, by SIGTERM
  mov esi, 15
forward:
  mov edi, r12d                   # kill(daemon, signal)
  mov eax, 62
  syscall
  jmp loop
reap:
  mov eax, 228                    # clock_gettime(CLOCK_BOOTTIME, record)
  mov edi, 7
  lea rsi, [rsp+64]
  syscall
  mov dword ptr [rsp+96], 0       # si_pid
  mov eax, 247                    # waitid(P_ALL, 0, record+16, WEXITED|WNOHANG, NULL)
  xor edi, edi
  xor esi, esi
  lea rdx, [rsp+80]
  mov r10d, 5
  xor r8d, r8d
  syscall
  test rax, rax
  js no_child
  mov eax, [rsp+96]
  test eax, eax
  jz loop                         # nothing (more) to reap
  cmp ebp, 3
  je orphan                       # draining: the daemon's pid may be reused by an orphan's child
  cmp eax, r12d
  je daemon_exited
orphan:
  mov eax, 1                      # write(log, record, 144): an orphan
  mov edi, r15d
  lea rsi, [rsp+64]
  mov edx, 144
  syscall
  jmp reap
no_child:
  cmp ebp, 3
  jne loop
  cmp rax, -10                    # ECHILD: the last child is gone
  jne loop
  mov edi, [rsp+40]
  jmp leave
daemon_exited:
  mov edi, [rsp+104]              # si_status
  cmp ebp, 1
  je spawn
  cmp dword ptr [rsp+88], 1       # si_code CLD_EXITED
  je report
  cmp ebp, 2
  je killed
  mov qword ptr [rsp+16], 1       # nanosleep(1 s), then start it again
  mov qword ptr [rsp+24], 0
  mov eax, 35
  lea rdi, [rsp+16]
  xor esi, esi
  syscall
  jmp spawn
killed:
  add edi, 128
report:
  mov [rsp+40], edi
  mov ebp, 3
  mov [rsp+64], dil
  mov eax, 1                      # write(write end, status, 1): the front exits with it
  mov edi, [rsp+36]
  lea rsi, [rsp+64]
  mov edx, 1
  syscall
  mov edi, [rsp+36]               # close(write end)
  mov eax, 3
  syscall
  jmp reap                        # then the orphans, until none is left
leave:
  mov eax, 231                    # exit_group(status)
  syscall
child:
  mov qword ptr [rsp+8], 0
  mov eax, 14                     # rt_sigprocmask(SIG_SETMASK, empty, NULL, 8)
  mov edi, 2
  lea rsi, [rsp+8]
  xor edx, edx
  mov r10d, 8
  syscall
  mov eax, 59                     # execve(argv[2], argv+2, envp)
  mov rdi, [r13+16]
  lea rsi, [r13+16]
  mov rdx, r14
  syscall
  mov edi, 127
  mov eax, 231
  syscall
usage:
  mov edi, 2
  mov eax, 231
  syscall
fail:
  mov edi, 125
  mov eax, 231
  syscall
