from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Organisations and projects"

    def ready(self):
        from codesign.content import register_project_content

        from .models import JourneyStep, Project, Stage

        # A project's own fields show on its pages (its title, its status, whether it takes
        # anonymous posts), and so do its stages and the steps of its journey (the forms that
        # add contributions offer them).
        register_project_content(Project, "pk")
        register_project_content(Stage)
        register_project_content(JourneyStep)
