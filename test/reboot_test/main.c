/*
 * reboot_test: asks the platform driver to restart the machine, first
 * through a session whose policy does not allow it (label "denied": the
 * driver must refuse), then through one whose policy does ("allowed":
 * the machine restarts, so the call never returns). run/reboot.run.
 */
#include <rt/component.h>
#include <session/platform.h>

int main(uint64_t arg)
{
    cap_t denied, allowed;
    uint64_t id;
    status_t st = platform_session("denied", &denied, &id);
    if (!st) {
        st = platform_session("allowed", &allowed, &id);
    }
    if (st) {
        printf("Platform sessions: %s\n", status_text(st));
        return 1;
    }
    printf("reboot without reboot=\"yes\": %s\n", status_text(platform_reboot(denied)));
    printf("reboot with reboot=\"yes\"\n");
    st = platform_reboot(allowed);
    printf("reboot returned: %s\n", status_text(st));
    return 1;
}
