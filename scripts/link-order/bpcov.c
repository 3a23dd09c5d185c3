// One-shot breakpoint coverage: records every function entered by a process and all its threads.
// Usage: bpcov ADDRS OUT -- BINARY ARGS...
// ADDRS: one hex address per line (the binary's function symbols, as `nm` prints them). An int3
// goes on each; the first hit restores the byte and appends the address to OUT. Each function
// costs one trap, so the program runs at nearly full speed. Linux x86_64 (ptrace) only.
#define _GNU_SOURCE
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <sys/user.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <errno.h>
#include <elf.h>
typedef struct { unsigned long addr; unsigned char orig; int hit; } bp_t;
static bp_t *bps; static int nbp;
static int cmp(const void*a,const void*b){unsigned long x=((bp_t*)a)->addr,y=((bp_t*)b)->addr;return x<y?-1:x>y;}
static bp_t* find(unsigned long a){int lo=0,hi=nbp-1;while(lo<=hi){int m=(lo+hi)/2;if(bps[m].addr==a)return &bps[m];if(bps[m].addr<a)lo=m+1;else hi=m-1;}return 0;}
static void setbyte(pid_t p, unsigned long a, unsigned char b){
  unsigned long w=a&~7UL; errno=0; long v=ptrace(PTRACE_PEEKTEXT,p,(void*)w,0);
  if(errno){perror("peek");exit(1);}
  ((unsigned char*)&v)[a-w]=b; if(ptrace(PTRACE_POKETEXT,p,(void*)w,(void*)v)){perror("poke");exit(1);}
}
static unsigned char getbyte(pid_t p, unsigned long a){unsigned long w=a&~7UL; long v=ptrace(PTRACE_PEEKTEXT,p,(void*)w,0); return ((unsigned char*)&v)[a-w];}
int main(int argc,char**argv){
  FILE *f=fopen(argv[1],"r"); unsigned long off; /* symbol value = offset from the load base */ int cap=1<<16; bps=calloc(cap,sizeof(bp_t));
  while(nbp<cap&&fscanf(f,"%lx",&off)==1) bps[nbp++].addr=off;
  fclose(f);
  const char *binpath=argv[4];
  pid_t c=fork();
  if(!c){ptrace(PTRACE_TRACEME,0,0,0); execvp(argv[4],argv+4); perror("exec"); _exit(127);}
  int st; waitpid(c,&st,0); // stopped at exec
  // find load base: first mapping of the binary with offset 0
  char mp[64]; sprintf(mp,"/proc/%d/maps",c); FILE*m=fopen(mp,"r"); char line[1024]; unsigned long base=0;
  char rp[4096]; realpath(binpath,rp);
  while(fgets(line,sizeof line,m)){unsigned long s,e,o; char perm[8]; char path[4096]="";
    sscanf(line,"%lx-%lx %7s %lx %*s %*s %4095s",&s,&e,perm,&o,path);
    if(!strcmp(path,rp)&&o==0){base=s;break;}}
  fclose(m); if(!base){fprintf(stderr,"no base for %s\n",rp);return 1;}
  // A position-dependent executable (ET_EXEC) is linked at its symbol values: no load bias.
  Elf64_Ehdr eh; FILE *bf=fopen(rp,"rb");
  if(bf&&fread(&eh,sizeof eh,1,bf)==1&&eh.e_type==ET_EXEC) base=0;
  if(bf) fclose(bf);
  for(int i=0;i<nbp;i++) bps[i].addr+=base;
  qsort(bps,nbp,sizeof(bp_t),cmp);
  for(int i=0;i<nbp;i++){bps[i].orig=getbyte(c,bps[i].addr); setbyte(c,bps[i].addr,0xcc);}
  ptrace(PTRACE_SETOPTIONS,c,0,(void*)(PTRACE_O_TRACECLONE|PTRACE_O_TRACEFORK|PTRACE_O_TRACEVFORK|PTRACE_O_EXITKILL));
  ptrace(PTRACE_CONT,c,0,0);
  int live=1, rc=0;
  while(live>0){
    pid_t p=waitpid(-1,&st,__WALL); if(p<0){if(errno==ECHILD)break; continue;}
    if(WIFEXITED(st)||WIFSIGNALED(st)){ if(p==c) rc=WIFEXITED(st)?WEXITSTATUS(st):128; live-- ; continue;}
    if(!WIFSTOPPED(st)) continue;
    int sig=WSTOPSIG(st), ev=st>>16;
    if(ev){ if(ev==PTRACE_EVENT_CLONE||ev==PTRACE_EVENT_FORK||ev==PTRACE_EVENT_VFORK) live++; ptrace(PTRACE_CONT,p,0,0); continue;}
    if(sig==SIGTRAP){
      struct user_regs_struct r; ptrace(PTRACE_GETREGS,p,0,&r);
      bp_t *b=find(r.rip-1);
      if(b){ if(!b->hit){b->hit=1; setbyte(p,b->addr,b->orig);} r.rip-=1; ptrace(PTRACE_SETREGS,p,0,&r); ptrace(PTRACE_CONT,p,0,0); continue;}
      ptrace(PTRACE_CONT,p,0,0); continue;
    }
    if(sig==SIGSTOP){ptrace(PTRACE_CONT,p,0,0);continue;}
    ptrace(PTRACE_CONT,p,0,(void*)(long)sig);
  }
  FILE*o=fopen(argv[2],"a"); int n=0;
  for(int i=0;i<nbp;i++) if(bps[i].hit){fprintf(o,"%lx\n",bps[i].addr-base);n++;}
  fclose(o); fprintf(stderr,"bpcov: %d of %d functions entered, exit %d\n",n,nbp,rc);
  return 0;
}
