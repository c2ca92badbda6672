# fish completion for ocirun, an OCI container runtime with runc's CLI.

set -l ocirun_commands create delete events exec features help kill list pause ps resume run spec start state update

function __ocirun_containers
    set -l root /run/ocirun
    set -l tokens (commandline -opc)
    for i in (seq (count $tokens))
        switch $tokens[$i]
            case '--root=*'
                set root (string replace -- '--root=' '' $tokens[$i])
            case --root
                set -l next (math $i + 1)
                test $next -le (count $tokens); and set root $tokens[$next]
        end
    end
    for d in $root/*/
        basename $d
    end
end

# Global flags, before the command.
complete -c ocirun -f
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -l debug -d 'enable debug logging'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -l log -r -F -d 'set the log file to write ocirun logs to'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -l log-format -x -a 'text json' -d 'set the log format'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -l root -x -a '(__fish_complete_directories)' -d 'root directory for storage of container state'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -l systemd-cgroup -d 'enable systemd cgroup support'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -l rootless -x -a 'true false auto' -d 'ignore cgroup permission errors'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -s v -l version -d 'print the version'
complete -c ocirun -s h -l help -d 'show help'

# Commands.
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -a create -d 'create a container'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -a delete -d 'delete any resources held by the container'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -a events -d 'display container events and statistics'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -a exec -d 'execute a new process inside the container'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -a features -d 'show the enabled features'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -a help -d 'show a list of commands or help for one command'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -a kill -d 'send a signal to the container init process'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -a list -d 'list the containers'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -a pause -d 'suspend all processes inside the container'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -a ps -d 'display the processes running inside a container'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -a resume -d 'resume all processes previously paused'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -a run -d 'create and run a container'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -a spec -d 'create a new specification file'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -a start -d 'execute the user defined process in a created container'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -a state -d 'output the state of a container'
complete -c ocirun -n "not __fish_seen_subcommand_from $ocirun_commands" -a update -d 'update container resource constraints'

# Container ids for the commands that act on one.
complete -c ocirun -n "__fish_seen_subcommand_from start state pause resume delete kill exec ps events update run create; and not __fish_seen_subcommand_from (__ocirun_containers)" -a '(__ocirun_containers)' -d container
complete -c ocirun -n "__fish_seen_subcommand_from help" -a "$ocirun_commands"

# create and run
complete -c ocirun -n "__fish_seen_subcommand_from create run" -s b -l bundle -x -a '(__fish_complete_directories)' -d 'path to the root of the bundle directory'
complete -c ocirun -n "__fish_seen_subcommand_from create run exec" -l console-socket -r -F -d 'AF_UNIX socket that receives the pty master'
complete -c ocirun -n "__fish_seen_subcommand_from create run exec" -l pid-file -r -F -d 'file to write the process id to'
complete -c ocirun -n "__fish_seen_subcommand_from create run" -l no-pivot -d 'do not use pivot_root to jail the process inside rootfs'
complete -c ocirun -n "__fish_seen_subcommand_from create run" -l no-new-keyring -d 'do not create a new session keyring'
complete -c ocirun -n "__fish_seen_subcommand_from create run exec" -l preserve-fds -x -d 'pass N additional file descriptors to the container'
complete -c ocirun -n "__fish_seen_subcommand_from run exec" -s d -l detach -d "detach from the container's process"
complete -c ocirun -n "__fish_seen_subcommand_from run" -l keep -d 'do not delete the container after it exits'
complete -c ocirun -n "__fish_seen_subcommand_from run" -l no-subreaper -d 'disable the use of the subreaper'

# exec
complete -c ocirun -n "__fish_seen_subcommand_from exec" -l cwd -x -d 'current working directory in the container'
complete -c ocirun -n "__fish_seen_subcommand_from exec" -s e -l env -x -d 'set an environment variable'
complete -c ocirun -n "__fish_seen_subcommand_from exec" -s t -l tty -d 'allocate a pseudo-TTY'
complete -c ocirun -n "__fish_seen_subcommand_from exec" -s u -l user -x -d 'UID (format: <uid>[:<gid>])'
complete -c ocirun -n "__fish_seen_subcommand_from exec" -s g -l additional-gids -x -d 'additional gids'
complete -c ocirun -n "__fish_seen_subcommand_from exec" -s p -l process -r -F -d 'path to the process.json'
complete -c ocirun -n "__fish_seen_subcommand_from exec" -l process-label -x -d 'set the SELinux label of the process'
complete -c ocirun -n "__fish_seen_subcommand_from exec" -l apparmor -x -d 'set the AppArmor profile of the process'
complete -c ocirun -n "__fish_seen_subcommand_from exec" -l no-new-privs -d 'set no_new_privs for the process'
complete -c ocirun -n "__fish_seen_subcommand_from exec" -s c -l cap -x -d 'add a capability to the bounding set of the process'
complete -c ocirun -n "__fish_seen_subcommand_from exec" -l cgroup -x -d 'run the process in an existing sub-cgroup'
complete -c ocirun -n "__fish_seen_subcommand_from exec" -l ignore-paused -d 'allow exec in a paused container'

# delete, kill, list, ps, events
complete -c ocirun -n "__fish_seen_subcommand_from delete" -s f -l force -d 'forcibly delete the container if it is still running'
complete -c ocirun -n "__fish_seen_subcommand_from kill" -s a -l all -d 'send the signal to all processes inside the container'
complete -c ocirun -n "__fish_seen_subcommand_from list ps" -s f -l format -x -a 'table json' -d 'select one of: table or json'
complete -c ocirun -n "__fish_seen_subcommand_from list" -s q -l quiet -d 'display only container IDs'
complete -c ocirun -n "__fish_seen_subcommand_from events" -l interval -x -d 'the stats collection interval'
complete -c ocirun -n "__fish_seen_subcommand_from events" -l stats -d "display the container's stats then exit"

# update
complete -c ocirun -n "__fish_seen_subcommand_from update" -s r -l resources -r -F -d 'file with the resources to update, or - for stdin'
complete -c ocirun -n "__fish_seen_subcommand_from update" -l blkio-weight -x -d 'per cgroup block IO weight (10-1000)'
complete -c ocirun -n "__fish_seen_subcommand_from update" -l cpu-period -x -d 'CPU CFS period in usecs'
complete -c ocirun -n "__fish_seen_subcommand_from update" -l cpu-quota -x -d 'CPU CFS hardcap limit in usecs'
complete -c ocirun -n "__fish_seen_subcommand_from update" -l cpu-burst -x -d 'CPU CFS burst in usecs'
complete -c ocirun -n "__fish_seen_subcommand_from update" -l cpu-share -x -d 'CPU shares (relative weight)'
complete -c ocirun -n "__fish_seen_subcommand_from update" -l cpu-rt-period -x -d 'CPU realtime period in usecs'
complete -c ocirun -n "__fish_seen_subcommand_from update" -l cpu-rt-runtime -x -d 'CPU realtime hardcap limit in usecs'
complete -c ocirun -n "__fish_seen_subcommand_from update" -l cpuset-cpus -x -d 'CPUs to use'
complete -c ocirun -n "__fish_seen_subcommand_from update" -l cpuset-mems -x -d 'memory nodes to use'
complete -c ocirun -n "__fish_seen_subcommand_from update" -l cpu-idle -x -a '0 1' -d 'set cgroup SCHED_IDLE'
complete -c ocirun -n "__fish_seen_subcommand_from update" -l memory -x -d 'memory limit in bytes'
complete -c ocirun -n "__fish_seen_subcommand_from update" -l memory-reservation -x -d 'memory soft limit in bytes'
complete -c ocirun -n "__fish_seen_subcommand_from update" -l memory-swap -x -d 'memory plus swap in bytes, -1 for unlimited'
complete -c ocirun -n "__fish_seen_subcommand_from update" -l pids-limit -x -d 'maximum number of pids'
complete -c ocirun -n "__fish_seen_subcommand_from update" -l l3-cache-schema -x -d 'Intel RDT/CAT L3 cache schema'
complete -c ocirun -n "__fish_seen_subcommand_from update" -l mem-bw-schema -x -d 'Intel RDT/MBA memory bandwidth schema'

# spec
complete -c ocirun -n "__fish_seen_subcommand_from spec" -s b -l bundle -x -a '(__fish_complete_directories)' -d 'path to the root of the bundle directory'
complete -c ocirun -n "__fish_seen_subcommand_from spec" -l rootless -d 'generate a configuration for a rootless container'
