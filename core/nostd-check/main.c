/* Runs the no_std build of jwtguard-core (see src/lib.rs) on the host, each call on a
 * stack of its own painted with a pattern beforehand: the bytes found overwritten
 * afterwards are that call's stack high-water mark (benches/embedded/size.sh reports
 * them). A firmware prepares the key set and policy once and verifies each token. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

typedef struct prepared prepared;
uint32_t jwtguard_nostd_check(uint64_t now);
size_t jwtguard_nostd_prepared_size(void);
size_t jwtguard_nostd_prepared_align(void);
uint32_t jwtguard_nostd_prepare(prepared *out);
uint32_t jwtguard_nostd_verify(const prepared *prepared, uint64_t now);

enum { STACK_BYTES = 256 * 1024, PAINT = 0xa5 };

static unsigned char stack[STACK_BYTES];
static ucontext_t caller, callee;
static prepared *state;
static uint64_t now;
static uint32_t result;

static void do_prepare(void) { result = jwtguard_nostd_prepare(state); }
static void do_verify(void) { result = jwtguard_nostd_verify(state, now); }
static void do_check(void) { result = jwtguard_nostd_check(now); }

/* Runs `fn` on the painted stack; returns its result and stores the stack it used. */
static uint32_t measured(void (*fn)(void), size_t *used) {
    memset(stack, PAINT, sizeof stack);
    getcontext(&callee);
    callee.uc_stack.ss_sp = stack;
    callee.uc_stack.ss_size = sizeof stack;
    callee.uc_link = &caller;
    makecontext(&callee, fn, 0);
    swapcontext(&caller, &callee);
    size_t untouched = 0; /* the stack grows down: its low end is reached last */
    while (untouched < sizeof stack && stack[untouched] == PAINT) untouched++;
    *used = sizeof stack - untouched;
    return result;
}

int main(void) {
    size_t prepare_stack, verify_stack, check_stack, unused;
    state = aligned_alloc(jwtguard_nostd_prepared_align(),
                          (jwtguard_nostd_prepared_size() + jwtguard_nostd_prepared_align() - 1) /
                              jwtguard_nostd_prepared_align() * jwtguard_nostd_prepared_align());
    if (!state) return 1;
    uint32_t prepared_ok = measured(do_prepare, &prepare_stack);
    now = 1300819379u;
    uint32_t before_exp = measured(do_verify, &verify_stack);
    now = 1300819380u;
    uint32_t at_exp = measured(do_verify, &unused);
    now = 1300819379u;
    uint32_t whole = measured(do_check, &check_stack);
    printf("no_std build: RFC 7515 A.3 prepared -> %u, at exp-1 -> %u (want 0), at exp -> %u (want 12 "
           "TokenExpired), prepare and verify in one call -> %u (want 0)\n",
           prepared_ok, before_exp, at_exp, whole);
    printf("key set + policy kept: %zu bytes; stack high-water marks: prepare %zu, verify %zu, both in one "
           "call %zu bytes\n",
           jwtguard_nostd_prepared_size(), prepare_stack, verify_stack, check_stack);
    free(state);
    return (prepared_ok == 0 && before_exp == 0 && at_exp == 12 && whole == 0) ? 0 : 1;
}
