// Linux system interfaces that Glibc's Swift module does not expose: epoll, eventfd, accept4, pipe2
// and posix_spawn_file_actions_addclosefrom_np.
#ifndef MANDATE_CLINUX_SHIM_H
#define MANDATE_CLINUX_SHIM_H

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <pthread.h>
#include <spawn.h>

// accept4(2) is declared by <sys/socket.h> only under _GNU_SOURCE; declare it here instead of
// redefining feature macros for headers that the Glibc module has already compiled.
int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
int pthread_setname_np(pthread_t thread, const char *name);
int pipe2(int pipefd[2], int flags);
// glibc 2.34: the child closes every descriptor from `from` on before it runs the program.
int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);

#endif
