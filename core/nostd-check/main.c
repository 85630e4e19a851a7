/* Runs the no_std, no-alloc build of jwtguard-core (see src/lib.rs). */
#include <stdint.h>
#include <stdio.h>

uint32_t jwtguard_nostd_check(uint64_t now);

int main(void) {
    uint32_t before_exp = jwtguard_nostd_check(1300819379u);
    uint32_t at_exp = jwtguard_nostd_check(1300819380u);
    printf("no_std build: RFC 7515 A.3 at exp-1 -> %u (want 0), at exp -> %u (want 12 TokenExpired)\n",
           before_exp, at_exp);
    return (before_exp == 0 && at_exp == 12) ? 0 : 1;
}
