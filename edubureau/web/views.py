from django.http import HttpResponse


def home(request):
    return HttpResponse("home")


def login_view(request):
    return HttpResponse("login")


def logout_view(request):
    return HttpResponse("logout")


def password_change_view(request):
    return HttpResponse("pw")


def error_403(request, exception=None):
    return HttpResponse("403", status=403)


def error_404(request, exception=None):
    return HttpResponse("404", status=404)


def error_500(request):
    return HttpResponse("500", status=500)
